"""One JSON shape for every API error.

    {"error": {"code": "not_found", "message": "…", "fields": {"phone": ["…"]}}, "request_id": "…"}

`fields` appears only for validation errors. Messages are translated into the request's language.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from himaya.core.context import current_request_id

logger = logging.getLogger("himaya.api")

API_PREFIX = "/api/"


def default_messages() -> dict[str, str]:
    return {
        "not_found": _("Not found."),
        "permission_denied": _("You do not have permission to perform this action."),
        "not_authenticated": _("Authentication credentials were not provided."),
        "invalid": _("The request is not valid; see the field errors."),
        "server_error": _("Something went wrong on our side. The error was logged; please try again later."),
        "method_not_allowed": _("This method is not allowed here."),
        "throttled": _("Too many requests. Please wait before trying again."),
    }


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None, request: Any = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    request_id = getattr(request, "request_id", "") or current_request_id()
    return {"error": error, "request_id": request_id}


def error_response(
    status: int, code: str, message: str, *, fields: dict[str, list[str]] | None = None, request: Any = None
) -> JsonResponse:
    """An error in the API shape, for code outside DRF views (middleware, Django's 404/500)."""
    return JsonResponse(
        error_body(code, message, fields, request), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [f"{k}: {m}" for k, v in detail.items() for m in _flatten(v)]
    if isinstance(detail, list | tuple):
        return [m for item in detail for m in _flatten(item)]
    return [force_str(detail)]


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(name): _flatten(value) for name, value in detail.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: _flatten(detail)}


def _from_django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail: Any = {
            (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): [force_str(m) for m in messages]
            for name, messages in exc.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: [force_str(m) for m in exc.messages]}
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes the one error shape."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)

    messages = default_messages()
    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        if isinstance(exc, exceptions.ValidationError):
            code, message, fields = "invalid", messages["invalid"], _field_errors(exc.detail)
        else:
            code = str(getattr(exc, "default_code", "error"))
            codes = exc.get_codes()
            if isinstance(codes, str):
                code = codes
            message = force_str(exc.detail) if isinstance(exc.detail, str) else messages.get(code, code)
            fields = None
        if isinstance(exc, exceptions.Throttled):
            message = messages["throttled"]
            wait = getattr(exc, "wait", None)
            if wait is not None:
                headers["Retry-After"] = str(max(1, math.ceil(wait)))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    else:
        logger.exception("Unhandled API error", exc_info=exc)
        status, code, message, fields = 500, "server_error", messages["server_error"], None

    set_rollback()
    return Response(error_body(code, message, fields, request), status=status, headers=headers)


_CODE_FOR_STATUS = {
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    500: "server_error",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def as_api_error(request: HttpRequest, response: Any) -> Any:
    """Replace Django's HTML 404/500 pages under /api/ (unknown URL, a crash outside a view) by JSON."""
    content_type = response.get("Content-Type", "") if hasattr(response, "get") else ""
    if not is_api_request(request) or content_type.startswith("application/json"):
        return response
    status = response.status_code
    if status >= 500:
        status = 500
    code = _CODE_FOR_STATUS.get(status)
    if code is None:
        return response
    replacement = error_response(status, code, default_messages()[code], request=request)
    for header in ("WWW-Authenticate", "Allow", "Retry-After"):
        if response.has_header(header):
            replacement[header] = response[header]
    return replacement
