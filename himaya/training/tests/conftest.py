from __future__ import annotations

from types import SimpleNamespace

import pytest

from himaya.training.testing import make_course, make_session


@pytest.fixture
def centre(cast):
    """The cast plus a first-responder course and an upcoming three-day session trained by trent."""
    course = make_course(cast.tina)
    session = make_session(cast.tina, course, trainers=[cast.trent])
    return SimpleNamespace(cast=cast, course=course, session=session)
