from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "himaya.agencies"
    label = "agencies"
