"""A mail backend for tests that fails the way a real SMTP server does, then recovers."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    errors: list[Exception] = []

    def send_messages(self, messages):
        if FlakyBackend.errors:
            raise FlakyBackend.errors.pop(0)
        return super().send_messages(messages)


__all__ = ["FlakyBackend", "mail"]
