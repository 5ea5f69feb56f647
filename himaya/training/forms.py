"""Forms of the training centre's pages (shape only: the services validate and decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himaya.accounts.models import User
from himaya.accounts.roles import Role
from himaya.training.models import Course, Level, Question, SessionLanguage


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_directions()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def set_directions(self) -> None:
        """Arabic fields read right to left and English ones left to right, whatever the page's language."""
        for name, field in self.fields.items():
            if name.endswith("_ar") or "_ar_" in name:
                field.widget.attrs.setdefault("dir", "rtl")
            elif name.endswith("_en") or "_en_" in name or name == "code":
                field.widget.attrs.setdefault("dir", "ltr")


class SessionForm(BootstrapForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language"), choices=SessionLanguage.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    trainers = forms.ModelMultipleChoiceField(label=_("Trainers"), queryset=User.objects.none(), required=False)
    partners = forms.CharField(
        label=_("Partner organisations"), max_length=300, required=False, help_text=_("E.g. UNODC, IOM, ILO.")
    )
    published = forms.BooleanField(label=_("Show in the public catalogue"), required=False, initial=True)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["trainers"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, roles__role__in=[Role.TRAINER, Role.TRAINING_OFFICER])
            .distinct()
            .order_by("full_name")
        )


class SessionEditForm(SessionForm):
    """The same fields as scheduling, less the course (a session keeps its course)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, courses=Course.objects.none(), **kwargs)
        del self.fields["course"]


class CancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Sent to every nominee by e-mail."),
    )


class CourseForm(BootstrapForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and dashes, e.g. frt-101. Printed on certificates: it cannot change later."),
    )
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    summary_ar = forms.CharField(label=_("Summary (Arabic)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    summary_en = forms.CharField(label=_("Summary (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("Courses a participant must hold a certificate of before being nominated."),
    )
    validity_months = forms.IntegerField(label=_("Certificate valid for (months)"), min_value=1, max_value=120)
    attendance_threshold = forms.IntegerField(
        label=_("Attendance needed (percentage of days)"), min_value=0, max_value=100
    )
    pass_mark = forms.IntegerField(label=_("Post-test pass mark (percentage)"), min_value=0, max_value=100)
    requires_supervised_delivery = forms.BooleanField(
        label=_("Needs a supervised delivery (training of trainers)"), required=False
    )
    qualifies_first_responder = forms.BooleanField(label=_("Qualifies as first-responder training"), required=False)
    is_active = forms.BooleanField(label=_("Offered (new sessions can be scheduled)"), required=False, initial=True)

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Course.objects.order_by("level", "code")
        if course is not None:
            others = others.exclude(pk=course.pk)
            del self.fields["code"]
        else:
            del self.fields["is_active"]
        self.fields["prerequisites"].queryset = others  # type: ignore[attr-defined]
        self.fields["prerequisites"].widget.attrs["size"] = "4"


class ModuleForm(BootstrapForm):
    title_ar = forms.CharField(label=_("Module title (Arabic)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Module title (English)"), max_length=200, required=False)
    outcomes_ar = forms.CharField(
        label=_("Learning outcomes (Arabic)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    outcomes_en = forms.CharField(
        label=_("Learning outcomes (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


ModuleFormSet = forms.formset_factory(ModuleForm, extra=2, can_delete=True, max_num=30)


def modules_from(formset: Any) -> list[dict[str, str]]:
    """The modules kept in a valid formset, in order: rows left empty or marked to delete drop out."""
    kept = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        values = {k: (data.get(k) or "").strip() for k in ("title_ar", "title_en", "outcomes_ar", "outcomes_en")}
        if any(values.values()):
            kept.append(values)
    return kept


OPTION_SLOTS = 5


class QuestionForm(BootstrapForm):
    """A multiple-choice question: bilingual text, up to five bilingual options, one correct."""

    text_ar = forms.CharField(label=_("Question (Arabic)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500)
    correct = forms.TypedChoiceField(
        label=_("Correct option"), choices=[(str(i), str(i + 1)) for i in range(OPTION_SLOTS)], coerce=int
    )
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and not args and "data" not in kwargs:
            initial = {
                "text_ar": question.text_ar,
                "text_en": question.text_en,
                "correct": str(question.correct),
                "points": question.points,
            }
            for i, (ar, en) in enumerate(question.options[:OPTION_SLOTS]):
                initial[f"option_ar_{i}"], initial[f"option_en_{i}"] = ar, en
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for i in range(OPTION_SLOTS):
            for lang, label in (("ar", _("Option %(n)d (Arabic)")), ("en", _("Option %(n)d (English)"))):
                field = forms.CharField(label=label % {"n": i + 1}, max_length=300, required=False)
                field.widget.attrs["class"] = "form-control"
                self.fields[f"option_{lang}_{i}"] = field
        self.set_directions()

    def option_rows(self) -> list[tuple[int, Any, Any]]:
        return [(i + 1, self[f"option_ar_{i}"], self[f"option_en_{i}"]) for i in range(OPTION_SLOTS)]

    def values(self) -> dict[str, Any]:
        """The question as the services take it; the correct option's number follows the filled rows."""
        data = self.cleaned_data
        options: list[list[str]] = []
        correct = -1
        for i in range(OPTION_SLOTS):
            ar, en = (data.get(f"option_ar_{i}") or "").strip(), (data.get(f"option_en_{i}") or "").strip()
            if not ar and not en:
                continue
            if i == data["correct"]:
                correct = len(options)
            options.append([ar, en])
        return {
            "text_ar": data["text_ar"],
            "text_en": data["text_en"],
            "options": options,
            "correct": correct,
            "points": data["points"],
        }


class NominateForm(BootstrapForm):
    participant = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = staff  # type: ignore[attr-defined]


class AttendanceForm(BootstrapForm):
    day = forms.DateField(label=_("Day"))
    present = forms.TypedChoiceField(
        label=_("Present"), choices=[("1", _("Present")), ("0", _("Absent"))], coerce=lambda v: v == "1"
    )


class DeliveryForm(BootstrapForm):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))


class RevokeForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EvaluationForm(BootstrapForm):
    RATINGS = [(str(i), str(i)) for i in range(1, 6)]
    rating = forms.TypedChoiceField(label=_("Overall rating (1 to 5)"), choices=RATINGS, coerce=int)
    relevance = forms.TypedChoiceField(label=_("Relevance to my work (1 to 5)"), choices=RATINGS, coerce=int)
    comment = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
