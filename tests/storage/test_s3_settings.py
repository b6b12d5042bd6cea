"""VSSID_S3_* select and configure the bucket; without VSSID_S3_BUCKET the files stay on disk."""
import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from vssid.core.storage import PrivateS3Storage

SHOW_PRIVATE_STORAGE = """
import json, django
django.setup()
from django.core.files.storage import storages
storage = storages["private"]
print(json.dumps({"class": type(storage).__name__, "options": {
    name: getattr(storage, name, None) for name in ("bucket_name", "endpoint_url", "access_key", "secret_key",
    "region_name", "presign_seconds", "file_overwrite", "default_acl", "addressing_style", "signature_version")}}))
"""


def private_storage_with(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VSSID_S3_", "AWS_"))}
    result = subprocess.run([sys.executable, "-c", SHOW_PRIVATE_STORAGE], capture_output=True, text=True,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "vssid.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_the_files_stay_on_disk():
    assert private_storage_with()["class"] == "PrivateFileSystemStorage"


def test_a_bucket_selects_the_s3_storage_configured_from_the_environment():
    shown = private_storage_with(
        VSSID_S3_BUCKET="vssid-files", VSSID_S3_ENDPOINT_URL="https://s3.example.vn",
        VSSID_S3_ACCESS_KEY_ID="KEYID", VSSID_S3_SECRET_ACCESS_KEY="SECRET", VSSID_S3_PRESIGN_SECONDS="120",
        VSSID_S3_REGION="ap-southeast-1",
    )
    assert shown == {"class": "PrivateS3Storage", "options": {
        "bucket_name": "vssid-files", "endpoint_url": "https://s3.example.vn", "access_key": "KEYID",
        "secret_key": "SECRET", "region_name": "ap-southeast-1", "presign_seconds": 120,
        "file_overwrite": False, "default_acl": None, "addressing_style": "path", "signature_version": "s3v4"}}


def test_defaults_aws_in_us_east_1_with_one_minute_links_and_credentials_found_by_boto3():
    options = private_storage_with(VSSID_S3_BUCKET="vssid-files")["options"]
    assert (options["endpoint_url"], options["region_name"], options["presign_seconds"]) == (None, "us-east-1", 60)
    assert (options["access_key"], options["secret_key"]) == (None, None)


@pytest.mark.parametrize("seconds", [0, 8 * 24 * 3600])
def test_a_link_lifetime_sigv4_cannot_sign_is_refused(seconds):
    with pytest.raises(ImproperlyConfigured, match="presign_seconds"):
        PrivateS3Storage(bucket_name="vssid-files", presign_seconds=seconds)
