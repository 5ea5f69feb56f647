from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "himaya.training"
    label = "training"
    verbose_name = "Training centre"
