from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "himaya.screening"
    label = "screening"
