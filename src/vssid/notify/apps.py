from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "vssid.notify"
    verbose_name = "Email and SMS"
