"""A real SMTP server on loopback (aiosmtpd) that records what it accepts: for tests and the benchmark."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from email import message_from_bytes, policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accepts every mail and keeps its Message-ID; answers ``temporary_failures`` first mails with 451."""

    def __init__(self, temporary_failures: int = 0):
        self.temporary_failures = temporary_failures
        self.message_ids: list[str] = []
        self.messages: list = []
        self.lock = threading.Lock()
        self.keep_messages = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Réessayez plus tard"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.message_ids.append(message["Message-ID"])
            if self.keep_messages:
                self.messages.append(message)
        return "250 OK"

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in Counter(self.message_ids).values() if count > 1)


def start_sink(handler: RecordingHandler, port: int | None = None):
    """Start aiosmtpd on 127.0.0.1; returns (controller, port). Call ``controller.stop()`` at the end."""
    from aiosmtpd.controller import Controller

    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port
