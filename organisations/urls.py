from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/new/", views.actor_edit, name="actor_create"),
    path("actors/<int:pk>/edit/", views.actor_edit, name="actor_edit"),
    path("actors/<int:pk>/delete/", views.actor_delete, name="actor_delete"),
]
