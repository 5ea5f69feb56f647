"""Every timeline entry the code writes reads as its own translated sentence, never the generic
"Case updated." (care plan, services, legal assistance, the way out, shelter stays included)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from django.utils import translation

from himaya.assistance.models import (
    ActionStatus,
    ActionType,
    ClaimKind,
    ClaimStatus,
    FollowUpOutcome,
    Occasion,
    Pathway,
)
from himaya.cases.timeline import describe

GENERIC = "Case updated."


def _entry(kind: str, summary: str) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, summary=summary, to_stage="")


def _entries() -> list[SimpleNamespace]:
    rows = [_entry("needs", o) for o in Occasion.values]
    rows += [_entry("care_plan", "goal")]
    rows += [_entry("care_plan", f"action:{t}") for t in ActionType.values]
    rows += [_entry("care_plan", f"status:{s}") for s in ActionStatus.values]
    rows += [_entry("service", t) for t in ActionType.values]
    rows += [
        _entry("legal", s) for s in ("counselling", "court", "court_outcome", "compensation", "compensation_update")
    ]
    rows += [_entry("legal", f"claim:{k}") for k in ClaimKind.values]
    rows += [_entry("legal", f"claim:{s}") for s in ClaimStatus.values]
    rows += [_entry("exit", p) for p in Pathway.values]
    rows += [_entry("follow_up", o) for o in FollowUpOutcome.values]
    rows += [_entry("shelter", f"S-000001:{e}") for e in ("admitted", "emergency", "transferred", "discharged")]
    rows += [_entry("escalation", "care_action")]
    return rows


def test_care_legal_exit_and_shelter_entries_have_their_own_translated_sentence() -> None:
    with translation.override("en"):
        english = {(e.kind, e.summary): describe(e) for e in _entries()}
    assert GENERIC not in english.values()
    assert english[("legal", "claim:unpaid_wages")] == "Labour claim recorded: Unpaid wages."
    assert english[("legal", "claim:filed")] == "Labour claim now “Filed”."
    assert english[("care_plan", "status:done")] == "Care action now “Done”."
    assert english[("exit", "voluntary_return")] == "Exit plan saved: Voluntary return."
    assert "reasonable grounds" not in english[("escalation", "care_action")]
    with translation.override("ar"):
        arabic = {(e.kind, e.summary): describe(e) for e in _entries()}
    untranslated = sorted(k for k, text in arabic.items() if text == english[k] or re.search(r"[A-Za-z]{3}", text))
    assert not untranslated, untranslated


def test_every_kind_of_entry_the_code_writes_is_described() -> None:
    root = Path(__file__).resolve().parents[2]
    kinds: set[str] = set()
    for path in root.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for call in re.findall(r"timeline_add\((.*?)\)", path.read_text(encoding="utf-8"), flags=re.S):
            kinds |= set(re.findall(r'kind="([a-z_]+)"', call))
    assert {"care_plan", "service", "legal", "exit", "follow_up", "needs", "shelter"} <= kinds
    with translation.override("en"):
        generic = sorted(k for k in kinds if describe(_entry(k, "x:y")) == GENERIC)
    assert not generic, generic
