# Apart from 0002: PostgreSQL does not alter a table in the transaction that just updated its rows.

import vssid.core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_encrypt_username'),
    ]

    operations = [
        migrations.AlterField(
            model_name='citizenaccount',
            name='username_fingerprint',
            field=vssid.core.fields.FingerprintField(blank=True, default='', editable=False, kind='social_insurance_number', max_length=64, source='username', unique=True),
        ),
    ]
