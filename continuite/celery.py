"""The Celery application: Redis as broker in production, eager in the embedded default."""

import os

from celery import Celery
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuite.settings")

app = Celery("continuite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connection_params_or_connection_error(channel, asynchronous=False):
    """kombu's Redis channel parameters, or a *connection* error once the connection is closed.

    When Redis goes away under a busy worker with late acks, Celery closes the broken connection
    (which clears its transport's ``client``) and then, while closing the channel, kombu tries to
    give the unacknowledged messages back or to ack a finished task through that same connection.
    kombu read ``client.hostname`` from ``None`` and the worker died on an AttributeError that
    nothing catches ("Unrecoverable error", reproduced by
    ``continuite/notifications/tests/test_broker_outage.py``). Raised as a Redis connection error,
    the same failure is one that Celery and kombu already handle: the worker reconnects by itself.
    The messages left unacknowledged stay in Redis and come back after the visibility timeout; the
    outbox's sweep re-sends meanwhile whatever is still pending, and each notice is claimed once.
    """
    if channel.connection.client is None:
        raise RedisConnectionError("La connexion au courtier Redis est fermée.")
    return _kombu_connparams(channel, asynchronous=asynchronous)


_kombu_connparams = kombu_redis.Channel._connparams
kombu_redis.Channel._connparams = _connection_params_or_connection_error
