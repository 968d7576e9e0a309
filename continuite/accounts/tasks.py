from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import User
from .services import invitation_url


@shared_task
def send_invitation(user_id: int) -> None:
    user = User.objects.select_related("etablissement").filter(pk=user_id).first()
    if user is None:
        return
    context = {"user": user, "url": invitation_url(user), "etablissement": user.etablissement}
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
        html_message=render_to_string("accounts/email/invitation.html", context),
    )
