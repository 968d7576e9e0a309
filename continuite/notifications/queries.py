"""Notifications: reads."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import Notification


def acknowledgements_for(related):
    """The notices caused by ``related``, with their recipient, sent/read/acknowledged times (one query)."""
    content_type = ContentType.objects.get_for_model(related)  # cached by Django after the first call
    return list(
        Notification.objects.filter(content_type=content_type, object_id=related.pk)
        .select_related("user", "guardian")
        .order_by("recipient_name", "pk")
    )


def unread_count(user) -> int:
    """The badge of the navigation bar; the signed-in user carries it already (see accounts.backends)."""
    count = getattr(user, "unread_notification_count", None)
    if count is not None:
        return count
    return Notification.objects.visible_to(user).unread().count()
