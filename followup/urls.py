from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("versions/<int:pk>/rounds/", views.version_rounds, name="version_rounds"),
    path("versions/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_dashboard, name="round_dashboard"),
    path("rounds/<int:pk>/status.xlsx", views.round_export, name="round_export"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/questions/", views.round_questions, name="round_questions"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("questions/<int:pk>/edit/", views.round_question_edit, name="round_question_edit"),
    path("followup/mine/", views.my_questionnaires, name="my_questionnaires"),
    path("questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path(
        "questionnaires/<int:pk>/return/", views.questionnaire_return, name="questionnaire_return"
    ),
    path(
        "questionnaires/<int:pk>/approve/",
        views.questionnaire_approve,
        name="questionnaire_approve",
    ),
    path(
        "questionnaires/<int:pk>/deadline/",
        views.questionnaire_deadline,
        name="questionnaire_deadline",
    ),
]
