from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "himaya.api"
    label = "api"
