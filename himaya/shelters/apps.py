from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "himaya.shelters"
    label = "shelters"
    verbose_name = "Shelters"
