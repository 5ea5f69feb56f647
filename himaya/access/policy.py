"""THE access policy: the one place that decides who sees and does what.

Default deny. Rules are declared per (model, action) with `@rule`; each returns a `Q` that selects
the rows the actor may act on (or None when it does not apply to this actor). The rows an actor
may see are the union of the applicable rules. Apps add rules by declaring them in their own
`rules.py` (imported by `AccessConfig.ready`), never by editing views.

Views, API endpoints, exports, commands and tasks load protected objects only through
`visible`, `get_for` and `require`. An object outside the actor's scope is a 404, and the attempt
is audited as a denial. Reads of models holding personal data are audited as reads.

Non-object permissions (e.g. "audit.browse", "staff.manage") are declared with `permission`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from himaya.accounts.roles import Role

M = TypeVar("M", bound=models.Model)
ScopeFn = Callable[[Any], Q | None]

VIEW = "view"
CHANGE = "change"
DELETE = "delete"


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    action: str
    name: str
    roles: frozenset[Role] | None
    scope: ScopeFn
    # The same scope on the model's summary tables' columns (None: this rule cannot be summarised).
    summary: ScopeFn | None = None

    def q_for(self, actor: Any) -> Q | None:
        if self.roles is not None and not actor.has_role(*self.roles):
            return None
        return self.scope(actor)


_RULES: dict[tuple[type[models.Model], str], list[Rule]] = {}
_PERMISSIONS: dict[str, frozenset[Role]] = {}
_CREATE_RULES: dict[type[models.Model], list[tuple[frozenset[Role], Callable[..., bool] | None]]] = {}
# model -> names of its fields that hold personal values: reads of these models are audited.
PERSONAL_MODELS: dict[type[models.Model], tuple[str, ...]] = {}
# models whose out-of-scope records a coordinator may open with a reason (break-glass).
BREAK_GLASS_MODELS: set[type[models.Model]] = set()
# (model, action) -> checks on the actor that must all hold, on top of the rules (qualifications).
_CONDITIONS: dict[tuple[type[models.Model], str], list[Callable[[Any], bool]]] = {}


# Per-request memo of decisions (see `decisions_memoised`): None outside such a request.
_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("himaya_policy_memo", default=None)


@contextmanager
def decisions_memoised() -> Iterator[None]:
    """Within the block, `scope_q` and `can` answer each (actor, model, action[, object]) once.

    For requests that change nothing the policy decides on (GET and HEAD pages, whose only write is
    the audit append): the case page asks whether it may change, transition or decide the same case
    several times, and each rule may look up the actor's agency or consents. The same answers, one
    query each. Not for requests that write: a decision must not outlive the change it depends on.
    """
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _actor_key(actor: Any) -> Any:
    return (type(actor), getattr(actor, "pk", None), id(actor))


def rule(
    model: type[models.Model],
    *actions: str,
    roles: Iterable[Role] | None = None,
    summary: ScopeFn | None = None,
) -> Callable[[ScopeFn], ScopeFn]:
    """Declare that actors (holding one of `roles`, if given) may do `actions` on the rows `scope` selects.

    `summary`, if given, states the same scope on the columns of the model's summary tables (counts
    for dashboards, see `summary_q`); a rule without it makes its actors' counts live.
    """

    def decorator(fn: ScopeFn) -> ScopeFn:
        role_set = frozenset(roles) if roles is not None else None
        for action in actions or (VIEW,):
            _RULES.setdefault((model, action), []).append(
                Rule(model=model, action=action, name=fn.__name__, roles=role_set, scope=fn, summary=summary)
            )
        return fn

    return decorator


def permission(name: str, roles: Iterable[Role]) -> None:
    """Declare a non-object permission held by any of `roles`."""
    _PERMISSIONS[name] = frozenset(roles)


def creator(model: type[models.Model], roles: Iterable[Role], check: Callable[..., bool] | None = None) -> None:
    """Declare who may create `model` objects; `check(actor, **context)` may narrow it further."""
    _CREATE_RULES.setdefault(model, []).append((frozenset(roles), check))


def personal(model: type[models.Model], fields: Iterable[str], *, break_glass: bool = False) -> None:
    """Mark `model` as holding personal data in `fields`: reads through the policy are audited."""
    PERSONAL_MODELS[model] = tuple(fields)
    if break_glass:
        BREAK_GLASS_MODELS.add(model)


def condition(model: type[models.Model], *actions: str, check: Callable[[Any], bool]) -> None:
    """Declare an actor-level requirement for `actions` on `model` that every rule is subject to.

    E.g. a jurisdiction that lets only certified staff record screenings: the training app
    declares `condition(Case, SCREEN, check=holds_first_responder_certificate)`; the screening
    code keeps asking the policy for SCREEN and never learns why the answer changed.
    """
    for action in actions:
        _CONDITIONS.setdefault((model, action), []).append(check)


def conditions_hold(actor: Any, model: type[models.Model], action: str) -> bool:
    return all(check(actor) for check in _CONDITIONS.get((model, action), []))


def rules_for(model: type[models.Model], action: str) -> list[Rule]:
    return list(_RULES.get((model, action), []))


def is_active_actor(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False)


def has_permission(actor: Any, name: str) -> bool:
    if not is_active_actor(actor):
        return False
    roles = _PERMISSIONS.get(name)
    return roles is not None and actor.has_role(*roles)


def scope_q(actor: Any, model: type[models.Model], action: str = VIEW) -> Q | None:
    """The union of what the applicable rules allow, or None when nothing is allowed."""
    memo = _MEMO.get()
    if memo is None:
        return _scope_q(actor, model, action)
    key = ("scope", _actor_key(actor), model, action)
    if key not in memo:
        memo[key] = _scope_q(actor, model, action)
    return memo[key]  # type: ignore[no-any-return]


def _scope_q(actor: Any, model: type[models.Model], action: str) -> Q | None:
    if not is_active_actor(actor):
        return None
    if not conditions_hold(actor, model, action):
        return None
    combined: Q | None = None
    for r in _RULES.get((model, action), []):
        q = r.q_for(actor)
        if q is None:
            continue
        combined = q if combined is None else combined | q
    if model in BREAK_GLASS_MODELS and action == VIEW:
        from himaya.access.break_glass import active_grant_q

        grant_q = active_grant_q(actor, model)
        if grant_q is not None:
            combined = grant_q if combined is None else combined | grant_q
    return combined


def summary_q(actor: Any, model: type[models.Model], action: str = VIEW) -> Q | None:
    """The actor's standing scope on `model`, stated on its summary tables' columns.

    None when the actor may see nothing, or when a rule that applies to this actor has no summary
    form (a scope that depends on each row, like consent): the caller then counts live through
    `visible`. Break-glass grants never count in summaries: they open single records for a stated
    reason, not dashboards.
    """
    if not is_active_actor(actor) or not conditions_hold(actor, model, action):
        return None
    combined: Q | None = None
    for r in _RULES.get((model, action), []):
        q = r.q_for(actor)
        if q is None:
            continue
        if r.summary is None:
            return None
        sq = r.summary(actor)
        if sq is None:
            return None
        combined = sq if combined is None else combined | sq
    return combined


def visible(actor: Any, model: type[M], action: str = VIEW, *, within: Q | None = None) -> QuerySet[M]:
    """Every `model` row the actor may `action` (default: view). Start every protected query here.

    `within` narrows the rows (an inbox: referrals sent to the actor's agency). When the actor's
    scope is a union with `within` as one of its terms, the rows are `within` alone — the same rows,
    since (A or B) and A is A — and PostgreSQL plans them well: given both, it multiplied the two
    conditions on the same column as if independent, expected 143 rows of 8,196 and sorted them all
    instead of reading the first page off the index (40 ms instead of under 1 ms)."""
    q = scope_q(actor, model, action)
    manager = model._default_manager
    if q is None:
        return manager.none()
    if within is not None:
        q = within if _absorbs(q, within) else q & within
    return manager.filter(q).distinct() if _needs_distinct(q, model) else manager.filter(q)


def _absorbs(scope: Q, within: Q) -> bool:
    """Whether `scope` is `within`, or a union (OR, not negated) with `within` among its terms."""
    if scope == within:
        return True
    if scope.negated or scope.connector != Q.OR:
        return False
    term = within.children[0] if len(within.children) == 1 and not within.negated else None
    for child in scope.children:
        if child == within or (term is not None and child == term):
            return True
        if isinstance(child, Q) and _absorbs(child, within):
            return True
    return False


def _needs_distinct(q: Q, model: type[models.Model] | None = None) -> bool:
    """Whether filtering on `q` can return a row twice: only a lookup that crosses a to-many relation
    (a reverse foreign key or a many-to-many) joins several rows per row. Following foreign keys
    forward (`person__nationality`) cannot, and DISTINCT there would stop PostgreSQL from reading
    the first page of a list off an index (a national case list took 300 ms instead of 13)."""

    def crosses_to_many(path: str) -> bool:
        if model is None:
            return "__" in path and not path.endswith(("__in", "__exact", "__isnull"))
        opts = model._meta
        for part in path.split("__"):
            try:
                field = opts.get_field(part)
            except FieldDoesNotExist:
                return False  # a lookup or transform (`in`, `gte`, `year`): the path ends here
            if not field.is_relation:
                return False
            if field.many_to_many or field.one_to_many:
                return True
            related = field.related_model
            if related is None or isinstance(related, str):
                return True  # unresolved (generic relation): stay safe
            opts = related._meta
        return False

    def walk(node: Any) -> bool:
        if isinstance(node, Q):
            return any(walk(child) for child in node.children)
        if isinstance(node, tuple):
            return crosses_to_many(node[0])
        return False

    return walk(q)


def can(actor: Any, action: str, obj: models.Model) -> bool:
    if obj.pk is None:
        return False
    memo = _MEMO.get()
    if memo is None:
        return visible(actor, type(obj), action).filter(pk=obj.pk).exists()
    key = ("can", _actor_key(actor), type(obj), action, obj.pk)
    if key not in memo:
        # Keyed on the scope too: actions whose rules give this actor the same scope (a case's
        # "change" and "transition" for its owner agency) are one query, not one each.
        scope_key: tuple[Any, ...] = (
            "can-scope",
            _actor_key(actor),
            type(obj),
            obj.pk,
            scope_q(actor, type(obj), action),
        )
        try:
            hash(scope_key)
        except TypeError:  # a scope holding an unhashable value: one query per action then
            scope_key = key
        if scope_key not in memo:
            memo[scope_key] = visible(actor, type(obj), action).filter(pk=obj.pk).exists()
        memo[key] = memo[scope_key]
    return bool(memo[key])


def can_create(actor: Any, model: type[models.Model], **context: Any) -> bool:
    if not is_active_actor(actor):
        return False
    for roles, check in _CREATE_RULES.get(model, []):
        if actor.has_role(*roles) and (check is None or check(actor, **context)):
            return True
    return False


def _audit_denial(actor: Any, action: str, model: type[models.Model], pk: Any) -> None:
    from himaya.audit.services import audit_record

    audit_record(
        actor=actor if is_active_actor(actor) else None,
        action=f"{model._meta.label_lower}.{action}",
        object_type=model._meta.label_lower,
        object_id=str(pk),
        outcome="denied",
    )


def audit_read(actor: Any, obj: models.Model, *, action: str = VIEW) -> None:
    """Record a read of a personal-data object (no-op for other models)."""
    fields = PERSONAL_MODELS.get(type(obj))
    if fields is None:
        return
    from himaya.audit.services import audit_record

    audit_record(actor=actor, action=f"{obj._meta.label_lower}.{action}", obj=obj, fields=fields)


def audit_list(actor: Any, model: type[models.Model], objects: Iterable[models.Model], *, action: str = "list") -> None:
    """Record that a page or export showed these personal-data rows (their ids, not their values)."""
    fields = PERSONAL_MODELS.get(model)
    if fields is None:
        return
    ids = [str(o.pk) for o in objects]
    if not ids:
        return
    from himaya.audit.services import audit_record

    audit_record(
        actor=actor,
        action=f"{model._meta.label_lower}.{action}",
        object_type=model._meta.label_lower,
        fields=fields,
        detail="ids:" + ",".join(ids),
    )


def get_for(
    actor: Any, model: type[M], pk: Any, action: str = VIEW, *, audit: bool = True, related: Iterable[str] = ()
) -> M:
    """Load one object the actor may `action`, or raise Http404 (and audit the denial).

    Reads of personal-data models are audited as `<model>.view`. `related` names foreign keys to
    load in the same query (`select_related`) that the page shows anyway.
    """
    try:
        qs = visible(actor, model, action).filter(pk=pk)
        obj = (qs.select_related(*related) if related else qs).first()
    except (ValueError, TypeError):
        obj = None
    if obj is None:
        _audit_denial(actor, action, model, pk)
        raise Http404(_("Not found."))
    if audit:
        audit_read(actor, obj, action=action)
    return obj


def require(actor: Any, action: str, obj: models.Model) -> None:
    """Raise Http404 unless the actor may `action` this object (denial audited)."""
    if not can(actor, action, obj):
        _audit_denial(actor, action, type(obj), obj.pk)
        raise Http404(_("Not found."))


def refuse(actor: Any, action: str, obj: models.Model) -> NoReturn:
    """Answer "not found" for an object the actor may see but not `action` in this way (audited).

    For checks the rules cannot express as a row scope (e.g. "only the receiving agency, only while
    the referral is open"); decided by a selector, refused here the same way as `require`."""
    _audit_denial(actor, action, type(obj), obj.pk)
    raise Http404(_("Not found."))


def require_permission(actor: Any, name: str) -> None:
    """Raise Http404 unless the actor holds the non-object permission `name`."""
    if not has_permission(actor, name):
        from himaya.audit.services import audit_record

        audit_record(actor=actor if is_active_actor(actor) else None, action=name, outcome="denied")
        raise Http404(_("Not found."))
