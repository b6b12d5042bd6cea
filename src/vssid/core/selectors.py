"""Operational reads: what the metrics and the readiness probe ask the database."""
from django.db import connections
from django.db.models import Count
from django_tasks_db.models import DBTaskResult


def database_answers(alias: str = "default") -> None:
    """Raises unless the database answers a trivial query now."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def job_results_by_task_and_status() -> list[tuple[str, str, int]]:
    """(task path, status, number of rows) of the database task backend, in one GROUP BY."""
    return list(
        DBTaskResult.objects.order_by("task_path", "status").values_list("task_path", "status")
        .annotate(count=Count("pk"))
    )
