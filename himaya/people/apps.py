from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "himaya.people"
    label = "people"
