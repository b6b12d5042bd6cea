"""Load the 34 provinces, 3,321 communes and the generated BHXH office list.

The loader is shared with `vssid places load` and receives this migration's historical models, so
it keeps working after the models change. Reversing does nothing: migrating further back drops the
tables anyway, and a partial unload would break declarations that reference offices.
"""
from django.db import migrations

from vssid.places.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("places", "Province"),
        apps.get_model("places", "Commune"),
        apps.get_model("places", "Office"),
    )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
