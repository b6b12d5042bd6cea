from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "vssid.declarations"
    verbose_name = "Declarations (tờ khai)"
