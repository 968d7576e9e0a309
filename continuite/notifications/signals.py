"""What the outbox tells the apps that wrote a notice.

``notification_failed`` is sent once, inside the transaction that marks a notice "failed" for
good (the mail server refused it, or too many interrupted attempts): a receiver's writes (a call
task for the vie scolaire) commit or roll back with it. Arguments: ``notification``, ``error``.
"""

from django.dispatch import Signal

notification_failed = Signal()
