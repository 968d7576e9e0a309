from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_invite


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "etablissement", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "etablissement"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["etablissement"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "etablissement")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "etablissement", "password1", "password2")}),)
    actions = ["send_invitation"]

    @admin.action(description=_("Envoyer une invitation (lien pour choisir le mot de passe)"))
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                user_invite(user=user)
            except ValidationError as exc:
                self.message_user(request, f"{user.email} : {' '.join(exc.messages)}", messages.ERROR)
            else:
                sent += 1
        self.message_user(request, _("%(count)d invitation(s) envoyée(s).") % {"count": sent})
