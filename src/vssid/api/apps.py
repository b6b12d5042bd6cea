from django.apps import AppConfig


class ApiConfig(AppConfig):
    # An app only for its one table: the remembered answers of idempotent submits.
    name = "vssid.api"
    label = "api"
    verbose_name = "JSON API"
