from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from continuite.accounts import cas as ent_cas
from continuite.accounts import views as account_views
from continuite.ecole import errors

urlpatterns = [
    path("", account_views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
    path("comptes/cas/login/", ent_cas.cas_login, name="ent_cas_login"),
    path("comptes/jeton/", account_views.form_token, name="form_token"),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("ecole/", include("continuite.ecole.urls")),
    path("notifications/", include("continuite.notifications.urls")),
    path("imports/", include("continuite.imports.urls")),
    path("outils/", include("outils.urls")),
    path("planning/", include("planning.urls")),
    path("suivi/", include("suivi.urls")),
    path("equipement/", include("equipement.urls")),
    path("", include("continuite.audit.urls")),
]

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
