from django.utils import translation

from himaya.audit.labels import action_label


def test_it_labels_model_actions_from_the_model_and_the_verb() -> None:
    with translation.override("en"):
        assert action_label("people.person.view") == "Person — viewed"
        assert action_label("referrals.referral.accept").endswith("— accepted")


def test_it_labels_system_actions_and_keeps_unknown_codes() -> None:
    with translation.override("en"):
        assert action_label("auth.login") == "Sign-in"
        assert action_label("something.odd") == "something.odd"
        assert action_label("nope.model.view") == "nope.model.view"


def test_labels_are_arabic_on_arabic_pages() -> None:
    with translation.override("ar"):
        assert action_label("auth.login") != "Sign-in"


def test_every_action_the_code_writes_has_a_label() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if {"tests", "migrations", "management"} & set(path.parts) or path.name in {
            "matrix.py",
            "access_matrix.py",
            "testing.py",
        }:
            continue
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    with translation.override("en"):
        unlabelled = sorted(c for c in codes if action_label(c) == c)
    assert not unlabelled, unlabelled
