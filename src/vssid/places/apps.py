from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "vssid.places"
    verbose_name = "Places and BHXH offices"
