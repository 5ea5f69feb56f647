"""Registering shelters, rooms and beds from a facilities file: idempotent, all-or-nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from himaya.shelters.models import Bed, Room, Shelter

pytestmark = pytest.mark.django_db

FILE = {
    "shelters": [
        {
            "code": "nour",
            "operator": "shelter",
            "name_ar": "دار النور",
            "name_en": "Dar Al Nour",
            "accessibility": ["wheelchair"],
            "rooms": [{"name": "A", "group": "women", "beds": 4}, {"name": "K", "group": "girls", "beds": 2}],
        }
    ]
}


def _write(tmp_path, data) -> str:
    path = tmp_path / "facilities.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_it_creates_shelters_rooms_and_beds_and_a_second_run_changes_nothing(cast, tmp_path, capsys) -> None:
    call_command("shelters_import", _write(tmp_path, FILE))
    assert "Shelters created: 1, rooms: 2, beds: 6." in capsys.readouterr().out
    shelter = Shelter.objects.get(code="nour")
    assert shelter.operator == cast.agencies["shelter"] and shelter.accessibility_codes == ["wheelchair"]
    call_command("shelters_import", _write(tmp_path, FILE))
    assert "Shelters created: 0, rooms: 0, beds: 0." in capsys.readouterr().out
    assert Bed.objects.filter(shelter=shelter).count() == 6


def test_more_beds_in_the_file_adds_beds_and_never_removes_any(cast, tmp_path) -> None:
    call_command("shelters_import", _write(tmp_path, FILE))
    bigger = json.loads(json.dumps(FILE))
    bigger["shelters"][0]["rooms"][0]["beds"] = 6
    call_command("shelters_import", _write(tmp_path, bigger))
    assert Bed.objects.filter(room__name="A").count() == 6
    smaller = json.loads(json.dumps(FILE))
    smaller["shelters"][0]["rooms"][0]["beds"] = 1
    call_command("shelters_import", _write(tmp_path, smaller))
    assert Bed.objects.filter(room__name="A").count() == 6


def test_a_bad_file_changes_nothing_and_names_every_problem(cast, tmp_path) -> None:
    bad = json.loads(json.dumps(FILE))
    bad["shelters"].append({"code": "x", "operator": "nobody", "name_ar": "س", "name_en": "X", "rooms": []})
    bad["shelters"][0]["rooms"][1]["group"] = "pets"
    with pytest.raises(CommandError) as error:
        call_command("shelters_import", _write(tmp_path, bad))
    assert "unknown operator" in str(error.value) and "known group" in str(error.value)
    assert not Shelter.objects.exists() and not Room.objects.exists()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("shelters_import", str(tmp_path / "missing.json"))
