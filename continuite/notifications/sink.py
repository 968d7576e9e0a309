"""A real SMTP server on loopback (aiosmtpd) that records what it accepts: for tests and the benchmark."""

from __future__ import annotations

import re
import socket
import threading
from collections import Counter
from email import message_from_bytes, policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _message_id(content: bytes) -> str | None:
    """The Message-ID header of a raw mail, read from its header block only."""
    headers = content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^Message-ID:[ \t]*(.+?)\r?$", headers, re.IGNORECASE | re.MULTILINE)
    return match.group(1).strip().decode("ascii", "replace") if match else None


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
            if self.keep_messages:
                message = message_from_bytes(envelope.content, policy=policy.default)
                self.message_ids.append(message["Message-ID"])
                self.messages.append(message)
            else:  # the benchmark: only the Message-ID, without parsing the whole mail
                self.message_ids.append(_message_id(envelope.content))
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
