from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "himaya.consent"
    label = "consent"
