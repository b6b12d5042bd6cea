"""On PostgreSQL, the audit log refuses UPDATE and DELETE in the database itself.

The model already refuses in Python (AuditEvent.save/delete and its queryset); the trigger also
stops raw SQL, a shell session or a bug that bypasses the ORM. TRUNCATE is left alone on purpose:
Django's test runner and `flush` empty tables with it, and only the table's owner may run it —
production's application role should not own its tables.

SQLite has no equivalent worth the name (its triggers would also block the test runner's
teardown), so this migration does nothing there; docs/desk.md says so.
"""
from django.db import migrations

# One statement per string: PostgreSQL's extended protocol (psycopg 3) takes one at a time.
CREATE = [
    """
CREATE OR REPLACE FUNCTION desk_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    -- No percent sign anywhere here: the DB-API cursor would read it as a placeholder.
    RAISE EXCEPTION USING MESSAGE = 'desk_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER desk_auditevent_append_only
    BEFORE UPDATE OR DELETE ON desk_auditevent
    FOR EACH ROW EXECUTE FUNCTION desk_auditevent_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS desk_auditevent_append_only ON desk_auditevent",
    "DROP FUNCTION IF EXISTS desk_auditevent_append_only()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
