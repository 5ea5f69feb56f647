from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "himaya.assistance"
    label = "assistance"

    def ready(self) -> None:
        from himaya.assistance import escalation  # noqa: F401  (registers the notification texts)
