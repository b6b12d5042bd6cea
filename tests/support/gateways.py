"""The outside world of the outboxes, for fault tests: a real SMTP server and a fake SMS provider
that can be stopped, started again on the same port, made to fail, or made to hold a message.

Both keep what they accepted across restarts. "Hold" models the moment a worker can die in: the
request has reached the server, which either has not taken the message yet (``accept_first=False``)
or has taken it and not answered yet (``accept_first=True``, the window no protocol closes alone).
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

HOLD_LIMIT = 60  # seconds a held request waits at most, so a failed test never hangs its server


@dataclass
class Hold:
    """One request held by a server: ``arrived`` is set when it is; ``release`` lets it go on."""

    accept_first: bool
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    accept_on_release: bool = True

    def release(self, *, accept: bool = True) -> None:
        self.accept_on_release = accept
        self.released.set()


class HoldingServer:
    """A server on a fixed port of 127.0.0.1 that can hold its next requests (``hold_next``)."""

    def __init__(self, port: int):
        self.port = port
        self._holds: list[Hold] = []

    def hold_next(self, *, accept_first: bool) -> Hold:
        hold = Hold(accept_first=accept_first)
        self._holds.append(hold)
        return hold

    def _next_hold(self) -> Hold | None:
        return self._holds.pop(0) if self._holds else None

    def stop(self) -> None:
        """Stop listening, letting held requests go unaccepted; ``start`` listens again."""
        for hold in self._holds:
            hold.release(accept=False)
        self._stop_listening()

    def _stop_listening(self) -> None:
        raise NotImplementedError


class MailServer(HoldingServer):
    """A real SMTP server (aiosmtpd)."""

    def __init__(self, port: int):
        super().__init__(port)
        self.messages: list[email.message.EmailMessage] = []
        self._controller: Controller | None = None

    # The server's delivery end, called by aiosmtpd
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        hold = self._next_hold()
        if hold is None:
            self.messages.append(message)
            return "250 Message accepted for delivery"
        if hold.accept_first:
            self.messages.append(message)
        hold.arrived.set()
        for _tick in range(HOLD_LIMIT * 50):
            if hold.released.is_set():
                break
            await asyncio.sleep(0.02)
        if not hold.accept_first and hold.accept_on_release:
            self.messages.append(message)
        return "250 Message accepted for delivery" if hold.accept_on_release else "451 4.3.0 Try again later"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def _stop_listening(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


@dataclass
class ProviderRequest:
    key: str | None
    payload: dict


class SmsProvider(HoldingServer):
    """An SMS provider over HTTP, as HttpSmsGateway speaks to it, that de-duplicates on the
    ``Idempotency-Key`` header like the providers that offer it: a repeated key gets the first
    answer and no second SMS."""

    def __init__(self, port: int):
        super().__init__(port)
        self.url = f"http://127.0.0.1:{port}/v1/sms"
        self.requests: list[ProviderRequest] = []
        self.delivered: dict[str, dict] = {}  # message id → payload: what reached phones
        self.failing_with: int | None = None
        self._answered: dict[str, str] = {}  # idempotency key → message id
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def _take(self, key: str | None, payload: dict) -> str:
        with self._lock:
            if key and key in self._answered:
                return self._answered[key]
            message_id = f"prov-{next(self._ids)}"
            self.delivered[message_id] = payload
            if key:
                self._answered[key] = message_id
            return message_id

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        payload = json.loads(handler.rfile.read(int(handler.headers.get("Content-Length", "0"))) or b"{}")
        key = handler.headers.get("Idempotency-Key")
        self.requests.append(ProviderRequest(key, payload))
        status, body = 200, None
        if self.failing_with is not None:
            status = self.failing_with
        hold = self._next_hold() if status == 200 else None
        if hold is not None:
            if hold.accept_first:
                body = {"id": self._take(key, payload)}
            hold.arrived.set()
            hold.released.wait(HOLD_LIMIT)
            if not hold.accept_on_release:
                status = 503
        if status == 200 and body is None:
            body = {"id": self._take(key, payload)}
        data = json.dumps(body or {"error": "unavailable"}).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass  # the client died while the request was held

    def start(self) -> SmsProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                provider._answer(self)

            def log_message(self, format, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server
        return self

    def _stop_listening(self) -> None:
        # Connections are refused until ``start``.
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
