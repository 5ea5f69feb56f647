"""The printed table of demo logins."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from himaya.demo.services import DemoLogin


def headers() -> tuple[str, ...]:
    return (_("role"), _("agency"), _("e-mail"), _("password"), _("TOTP secret"))


def logins_table(logins: Sequence[DemoLogin]) -> str:
    heads = headers()
    rows = [(str(x.role), x.agency_code, x.email, x.password, x.totp_secret or _("(not required)")) for x in logins]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def mfa_hint() -> str:
    return _(
        "Sign-in asks for a TOTP code. Get the current code with `oathtool --totp -b SECRET`,\n"
        "or add the secret to any authenticator app (Aegis, FreeOTP, Google Authenticator…)."
    )
