"""Password rules in the NIST SP 800-63B style: a minimum length and a blocklist (Django's own
validators, see settings), a generous maximum, and no composition rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_MAX_LENGTH = 256


class MaximumLengthValidator:
    """Refuse absurdly long passwords (hashing cost), while allowing long passphrases (64+ characters)."""

    def __init__(self, max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password can be up to %(max_length)d characters long; long passphrases are welcome.") % {
            "max_length": self.max_length
        }
