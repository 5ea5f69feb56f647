from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "himaya.core"
    label = "core"
    verbose_name = "Himaya core"

    def ready(self) -> None:
        from himaya.core import checks  # noqa: F401  (registers the deployment checks)
