from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "himaya.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the notification verbs.
        from himaya.cases import escalation  # noqa: F401
