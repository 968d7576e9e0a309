from celery import shared_task

from .models import User
from .services import user_invite


@shared_task
def send_invitation(user_id: int) -> None:
    """Kept for messages queued before invitations went through the notifications outbox."""
    user = User.objects.select_related("etablissement").filter(pk=user_id).first()
    if user is None or not user.is_active or user.etablissement_id is None:
        return
    user_invite(user=user)
