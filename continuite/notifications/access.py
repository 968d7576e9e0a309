"""The one gate of a notice: not the user's own → 404."""

from django.shortcuts import get_object_or_404

from .models import Notification


def access_notification(user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)
