from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "himaya.notifications"
    label = "notifications"
