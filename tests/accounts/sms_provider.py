"""A fake SMS provider: a real HTTP server on 127.0.0.1, in a thread, behind HttpSmsGateway.

The only fake in these tests is the outside provider; everything of ours (gateway, outbox, worker,
services) runs for real. The server records every request it receives (headers and JSON body) and
answers from a script of statuses, then 200 with a message id.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "test-provider-token"


@dataclass
class ReceivedSms:
    path: str
    headers: dict
    payload: dict

    @property
    def text(self) -> str:
        return self.payload["text"]

    def one_time_password(self) -> str:
        return re.search(r"Mat khau: (\S+?)\.", self.text).group(1)

    def code(self) -> str:
        return re.search(r"\b(\d{6})\b", self.text).group(1)


@dataclass
class FakeSmsProvider:
    url: str
    received: list[ReceivedSms] = field(default_factory=list)
    # Statuses to answer, in order, before the default 200. "hang" holds the request until the
    # test ends (the client's timeout fires first).
    script: list = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def respond_with(self, *statuses) -> None:
        self.script.extend(statuses)

    @property
    def delivered(self) -> list[ReceivedSms]:
        """Requests answered 2xx: what reached phones."""
        return [r for r in self.received if r.headers.get("x-answered") == "200"]


def _handler_for(provider: FakeSmsProvider):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            received = ReceivedSms(self.path, headers, payload)
            provider.received.append(received)
            status = provider.script.pop(0) if provider.script else 200
            if status == "hang":
                provider.release.wait(timeout=30)
                return
            if headers.get("authorization") not in (f"Bearer {TOKEN}", "Basic dXNlcjpzM2NyM3Q="):  # user:s3cr3t
                status = 401
            received.headers["x-answered"] = str(status)
            body = {"id": f"prov-{next(provider._ids)}"} if status == 200 else {"error": f"echo {payload.get('to')}"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # keep the test output clean
            pass

    return Handler


@pytest.fixture
def sms_provider(settings):
    """Start the provider and point HttpSmsGateway at it (bearer token, short timeout)."""
    provider = FakeSmsProvider(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(provider))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    settings.VSSID_SMS_GATEWAY = "vssid.notify.sms.HttpSmsGateway"
    settings.VSSID_SMS_HTTP_URL = provider.url
    settings.VSSID_SMS_HTTP_AUTH = "bearer"
    settings.VSSID_SMS_HTTP_TOKEN = TOKEN
    settings.VSSID_SMS_HTTP_TIMEOUT = 2
    settings.VSSID_SMS_SENDER = "BHXH"
    yield provider
    provider.release.set()
    server.shutdown()
    server.server_close()
