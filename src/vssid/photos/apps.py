from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "vssid.photos"
    verbose_name = "Photos"
