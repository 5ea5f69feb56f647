from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "himaya.cases"
    label = "cases"
