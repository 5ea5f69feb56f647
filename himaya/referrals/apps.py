from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "himaya.referrals"
    label = "referrals"
