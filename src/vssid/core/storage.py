"""Storages of the private files (photos, PDFs): on disk or in an S3 bucket, never addressable.

Django's FileSystemStorage treats `base_url=None` as "use MEDIA_URL", so a storage configured that
way still answers `url()` (with MEDIA_URL + name), and django-storages' S3Storage answers it with a
presigned URL valid for an hour. Pictures of citizens and their ID cards must never be addressable
by accident: views stream them after checking who asks. So `url()` refuses in both classes here;
the S3 one can hand out a short-lived link, but only when asked by name: `signed_url()`.
Use one of them as the BACKEND of STORAGES["private"] (settings.py picks; docs/storage.md).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# SigV4 refuses a presigned URL valid for longer than a week.
MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60


class StorageUnavailable(OSError):
    """The object storage could not be reached or refused the request (a wrong key, no bucket).
    An OSError, as a failing disk raises, so callers handle both storages with one `except`."""


class NoUrlMixin:
    def url(self, name: str | None, *args, **kwargs) -> str:
        raise ValueError("Private files have no URL; stream them from a view that checks access.")


class PrivateFileSystemStorage(NoUrlMixin, FileSystemStorage):
    pass


class PrivateS3Storage(NoUrlMixin, S3Storage):
    """A private bucket of an S3-compatible server (AWS, SeaweedFS, MinIO, Ceph…).

    Fixed here, whatever the settings say: requests are signed (SigV4), names already taken get
    a suffix instead of replacing a citizen's file, no ACL is sent (objects stay as private as
    the bucket; AWS refuses ACLs on buckets with "owner enforced" ownership, its default), and
    no CDN domain. Path-style addresses (`endpoint/bucket/key`) work with every server, where
    virtual hosts (`bucket.endpoint`) need DNS for each bucket.

    Errors come out as on disk: FileNotFoundError for a missing object, StorageUnavailable
    (an OSError) for everything else the server or the network does.
    """

    FIXED = {
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "custom_domain": None,
        "cloudfront_key_id": None,
        "cloudfront_key": None,
        "gzip": False,
    }

    def __init__(self, **options):
        overridden = sorted(set(options) & set(self.FIXED))
        if overridden:
            raise ImproperlyConfigured(f"PrivateS3Storage fixes {', '.join(overridden)}; remove them from OPTIONS.")
        super().__init__(**options, **self.FIXED)
        if not 1 <= self.presign_seconds <= MAX_PRESIGN_SECONDS:
            raise ImproperlyConfigured(f"presign_seconds must be between 1 and {MAX_PRESIGN_SECONDS}.")

    def get_default_settings(self) -> dict:
        # Not from django-storages' AWS_* settings or environment variables: only from OPTIONS.
        return {**super().get_default_settings(), "addressing_style": "path", "presign_seconds": 60,
                "access_key": None, "secret_key": None, "security_token": None, "session_profile": None}

    def signed_url(self, name: str, *, seconds: int | None = None) -> str:
        """A GET URL for one object, valid `seconds` (default: presign_seconds, i.e.
        VSSID_S3_PRESIGN_SECONDS). Signed locally: the object's existence is not checked. Whoever
        holds the link may fetch the file until it expires, so hand it only to someone allowed
        to see the file, never put it in a log, and keep the lifetime short."""
        seconds = self.presign_seconds if seconds is None else seconds
        if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"a signed URL lives 1 to {MAX_PRESIGN_SECONDS} seconds")
        with _as_os_errors():
            return self.connection.meta.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket_name, "Key": self._key(name)}, ExpiresIn=seconds)

    def _key(self, name: str) -> str:
        return self._normalize_name(clean_name(name))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Private files are written with save(), never opened for writing.")
        # One GET, read whole inside the error translation (photos are ~300 KB, PDFs less), where
        # S3File would first HEAD, then download on the first read(), outside it.
        with _as_os_errors():
            body = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=self._key(name))["Body"]
            with contextlib.closing(body):
                data = body.read()
        return ContentFile(data if "b" in mode else data.decode(), name=name)

    def _save(self, name: str, content) -> str:
        with _as_os_errors():
            return super()._save(name, content)

    def delete(self, name: str) -> None:
        with _as_os_errors():
            super().delete(name)

    def exists(self, name: str) -> bool:
        with _as_os_errors():
            return super().exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        with _as_os_errors():
            return super().listdir(path)

    def size(self, name: str) -> int:
        with _as_os_errors():
            return super().size(name)

    def get_modified_time(self, name: str):
        with _as_os_errors():
            return super().get_modified_time(name)


@contextlib.contextmanager
def _as_os_errors() -> Iterator[None]:
    """botocore's errors as the file system's. The server's error code is kept (it tells a wrong
    key from a missing bucket); object names stay out of the message."""
    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404 and code in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError("no such object in the private bucket") from error
        raise StorageUnavailable(f"the object storage refused the request: {code or status}") from error
    except BotoCoreError as error:
        raise StorageUnavailable(f"the object storage did not answer: {type(error).__name__}") from error


def signed_url_for(storage: Storage, name: str, *, seconds: int | None = None) -> str | None:
    """A short-lived URL of a private file, or None when its storage cannot sign one (the file
    system): the caller then streams the file itself."""
    if isinstance(storage, PrivateS3Storage):
        return storage.signed_url(name, seconds=seconds)
    return None
