from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from continuite.accounts.roles import Role
from continuite.ecole.access import require_role
from continuite.item_messages import item_message, item_messages, item_url, place

from . import services
from .access import access_notification
from .forms import PreferenceForm, SchoolSettingsForm
from .models import Notification, NotificationPreference

CENTRE_SIZE = 50
REPORT_SIZE = 200


@login_required
def notification_list(request):
    notifications = list(Notification.objects.visible_to(request.user)[:CENTRE_SIZE])
    waiting = item_messages(request)
    for notification in notifications:
        if notification.ack_required and notification.acknowledged_at is None:
            # The same acknowledgement as the mail's link, offered in the portal.
            notification.ack_token = services.acknowledgement_token(notification)
        notification.item_messages = place(waiting, f"notification-{notification.pk}")
    return render(request, "notifications/notification_list.html", {"notifications": notifications})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = access_notification(request.user, pk)
    services.notification_mark_read(notification=notification)
    # Back to its row, which says so: the list opens there, out of view of its top.
    item = f"notification-{notification.pk}"
    item_message(request, messages.SUCCESS, _("Notification marquée comme lue."), item=item)
    return redirect(item_url(reverse("notifications:list"), item))


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Every mail links here: the daily digest for the vie scolaire and the direction, and for everyone
    what reaches him by mail and whom to ask to stop it."""
    contact = request.user.etablissement.contact_email if request.user.etablissement_id else ""
    if not request.user.roles & {Role.CPE, Role.DIRECTION}:
        return render(request, "notifications/preferences.html", {"form": None, "contact": contact})
    current = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(request.POST or None, initial={"daily_digest": bool(current and current.daily_digest)})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(request, _("Votre choix est enregistré."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "contact": contact})


@login_required
@require_http_methods(["GET", "POST"])
def school_settings(request):
    require_role(request.user, Role.DIRECTION)
    etablissement = request.user.etablissement
    current = services.settings_of(etablissement.pk)
    initial = {"quiet_start": current.quiet_start, "quiet_end": current.quiet_end, "digest_time": current.digest_time}
    form = SchoolSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_settings_update(etablissement=etablissement, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Les réglages des notifications sont enregistrés."))
            return redirect("notifications:school_settings")
    return render(request, "notifications/school_settings.html", {"form": form, "etablissement": etablissement})


@login_required
def delivery_report(request):
    require_role(request.user, Role.DIRECTION)
    failed = list(Notification.objects.failed_for(request.user.etablissement_id)[:REPORT_SIZE])
    return render(request, "notifications/delivery_report.html", {"failed": failed})


@require_http_methods(["GET", "POST"])
def acknowledge(request, token: str):
    """The personal link of a mail: it works without logging in, and records once."""
    try:
        notification = services.notification_from_token(token)
    except ValidationError:
        return render(request, "notifications/acknowledge_invalid.html", status=404)
    just_done = False
    if request.method == "POST":
        notification, just_done = services.notification_acknowledge(token=token)
    return render(request, "notifications/acknowledge.html", {"notification": notification, "just_done": just_done})
