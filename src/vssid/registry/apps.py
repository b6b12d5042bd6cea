from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "vssid.registry"
    verbose_name = "Insured-person registry (mã số BHXH)"
