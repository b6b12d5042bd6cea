from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "vssid.desk"
    label = "desk"
    verbose_name = "Bàn tiếp nhận (cán bộ BHXH)"
