from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("versions/<int:pk>/", views.version_overview, name="version_overview"),
    path("versions/<int:pk>/goals/", views.version_by_goal, name="version_by_goal"),
    path("versions/<int:pk>/actors/", views.version_by_actor, name="version_by_actor"),
    path(
        "versions/<int:pk>/activities/", views.version_activity_list, name="version_activity_list"
    ),
    path("versions/<int:pk>/coverage/", views.version_coverage, name="version_coverage"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/adopt/", views.version_adopt, name="version_adopt"),
    path(
        "versions/<int:pk>/decision/",
        views.version_decision_correct,
        name="version_decision_correct",
    ),
    path("versions/<int:pk>/copy/", views.version_copy, name="version_copy"),
    path("versions/<int:pk>/delete/", views.version_delete, name="version_delete"),
    path("versions/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/move/", views.goal_move, name="goal_move"),
    path("versions/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("versions/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/move/", views.activity_move, name="activity_move"),
    path("vocabularies/", views.term_list, name="term_list"),
    path("vocabularies/new/", views.term_create, name="term_create"),
]
