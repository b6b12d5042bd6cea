from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vssid.accounts"
    verbose_name = "Citizen accounts"
