from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "himaya.api"
    label = "api"

    def ready(self) -> None:
        # Registers the OpenAPI extensions for the authentication classes.
        from himaya.api import schema  # noqa: F401
