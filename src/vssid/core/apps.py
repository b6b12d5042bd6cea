from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vssid.core"
    verbose_name = "Shared page layout and operations commands"
