from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "himaya.demo"
    label = "demo"
