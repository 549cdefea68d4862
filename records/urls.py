from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("versions/<int:pk>/history/", views.version_history, name="version_history"),
    path(
        "questionnaires/<int:pk>/history/",
        views.questionnaire_history,
        name="questionnaire_history",
    ),
    path("users/<int:pk>/history/", views.user_history, name="user_history"),
    path("actors/history/", views.actors_history, name="actors_history"),
    path("actors/<int:pk>/history/", views.actor_history, name="actor_history"),
    path("records/events/", views.events, name="events"),
]
