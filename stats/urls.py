from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("statistics/", views.statistic_list, name="statistic_list"),
    path("statistics/new/", views.statistic_create, name="statistic_create"),
    path("statistics/<int:pk>/edit/", views.statistic_edit, name="statistic_edit"),
    path("statistics/<int:pk>/delete/", views.statistic_delete, name="statistic_delete"),
    path("versions/<int:pk>/statistics/", views.version_statistics, name="version_statistics"),
]
