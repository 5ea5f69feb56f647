"""OpenAPI additions: the bearer and session schemes, and the error shape on every operation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "himaya.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "`Authorization: Bearer hmy_<prefix>_<secret>`; tokens come from `himaya token issue`.",
        }


class MfaSessionScheme(OpenApiAuthenticationExtension):
    target_class = "himaya.api.authentication.MfaSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A signed-in browser session that passed the second factor; writes need the CSRF token.",
        }


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
    request_id = serializers.CharField()


class ApiAutoSchema(AutoSchema):
    """Declares the error responses every operation can give, all in the one error shape."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:  # type: ignore[override]
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        codes = ["401", "404", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "409", "422"]
        elif self.get_override_parameters() or self._get_filter_parameters():
            codes.append("400")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)  # type: ignore[arg-type]
        return dict(sorted(responses.items()))
