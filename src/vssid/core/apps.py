from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vssid.core"
    verbose_name = "Shared page layout and operations commands"

    def ready(self):
        from . import crypto

        # A malformed key stops the start-up, not the first request that reads personal data.
        crypto.keyring()

        from . import metrics

        metrics.connect_task_signals()
