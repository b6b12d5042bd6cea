"""/readyz: may this process take traffic? It needs the database and the private storage (every
step of the registration reads one and the photos step writes the other)."""
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from . import selectors

logger = logging.getLogger(__name__)

PROBE_NAME = "readyz/probe"


def private_storage_accepts_files() -> None:
    """Write and delete a tiny file: the same calls an upload makes, so it fails in every way an
    upload would (a missing or read-only folder, an S3 server down, a wrong key, no bucket).
    Merely asking whether a name exists is not enough: a file system answers "no" for a folder
    it cannot read, and S3 answers "no" for a bucket that is not there."""
    storage = storages["private"]
    name = storage.save(PROBE_NAME, ContentFile(b"ok"))
    storage.delete(name)


CHECKS = {
    "database": selectors.database_answers,
    "storage": private_storage_accepts_files,
}


def failed_checks() -> list[str]:
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # a probe reports, whatever the failure
            # The class says what kind of failure; its text may name hosts and stays out of the body.
            logger.warning("readiness check failed: %s (%s)", name, type(error).__name__)
            failed.append(name)
    return failed
