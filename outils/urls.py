from django.urls import path

from . import views

app_name = "outils"

urlpatterns = [
    path("", views.tool_list, name="tool_list"),
    path("recherche/", views.tool_search, name="tool_search"),
    path("familles/", views.family_page, name="family_page"),
    path("liens/", views.link_policy, name="link_policy"),
    path("liens/prevenir/", views.refused_links_notify, name="refused_links_notify"),
    path("liens/domaines/<int:pk>/retirer/", views.domain_remove, name="domain_remove"),
    path("nouveau/", views.tool_create, name="tool_create"),
    path("<int:pk>/", views.tool_detail, name="tool_detail"),
    path("<int:pk>/modifier/", views.tool_edit, name="tool_edit"),
    path("<int:pk>/disponibilite/", views.tool_availability, name="tool_availability"),
    path("<int:pk>/tutoriels/ajouter/", views.tutorial_create, name="tutorial_create"),
    path("tutoriels/<int:pk>/modifier/", views.tutorial_edit, name="tutorial_edit"),
]
