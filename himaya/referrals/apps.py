from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "himaya.referrals"
    label = "referrals"

    def ready(self) -> None:
        from himaya.referrals import verbs  # noqa: F401  (registers the notification texts)
