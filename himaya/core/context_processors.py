from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_bidi


def himaya(request: HttpRequest) -> dict[str, Any]:
    return {"is_rtl": get_language_bidi(), "request_id": getattr(request, "request_id", "")}
