from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccessConfig(AppConfig):
    name = "himaya.access"
    label = "access"

    def ready(self) -> None:
        # Each app declares its rules in `<app>/rules.py`; importing them registers the rules.
        autodiscover_modules("rules")
