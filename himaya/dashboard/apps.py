from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "himaya.dashboard"
    label = "dashboard"
