from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def prevention_dir(tmp_path: Path) -> Iterator[Path]:
    """Uploads and the columnar snapshot go to a temporary folder."""
    old = getattr(settings, "HIMAYA_PREVENTION_DIR", None)
    settings.HIMAYA_PREVENTION_DIR = tmp_path / "prevention"
    yield tmp_path / "prevention"
    if old is None:
        del settings.HIMAYA_PREVENTION_DIR
    else:
        settings.HIMAYA_PREVENTION_DIR = old


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
