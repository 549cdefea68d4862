from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/new/", views.actor_edit, name="actor_create"),
    path("actors/<int:pk>/edit/", views.actor_edit, name="actor_edit"),
    path("actors/<int:pk>/delete/", views.actor_delete, name="actor_delete"),
    # The law requires the statement to be reachable by everyone, signed in or not.
    path(
        "accessibility/",
        login_not_required(views.accessibility_statement),
        name="accessibility",
    ),
]
