from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    # The follow-up report: the coordinator's working version, its downloads, publishing.
    path("rounds/<int:pk>/report/", views.round_report, name="round_report"),
    path(
        "rounds/<int:pk>/report.<str:fmt>",
        views.round_report_download,
        name="round_report_download",
    ),
    path("rounds/<int:pk>/report/publish/", views.round_publish, name="round_publish"),
    # Published reports, for everyone in the municipality.
    path("plans/<int:pk>/reports/", views.plan_reports, name="plan_reports"),
    path("reports/<int:pk>/", views.published_report, name="published_report"),
    path("reports/<int:pk>/report.<str:fmt>", views.published_download, name="published_download"),
    # Plan documents.
    path("versions/<int:pk>/documents/", views.version_documents, name="version_documents"),
    path(
        "versions/<int:pk>/documents/<str:kind>.<str:fmt>",
        views.plan_document_download,
        name="plan_document",
    ),
    path(
        "versions/<int:pk>/documents/actor/",
        views.actor_extract_download,
        name="actor_extract",
    ),
    path("versions/<int:pk>/texts/new/", views.text_section_create, name="text_section_create"),
    path(
        "versions/<int:pk>/texts/suggest/",
        views.text_sections_suggest,
        name="text_sections_suggest",
    ),
    path("texts/<int:pk>/edit/", views.text_section_edit, name="text_section_edit"),
    path("texts/<int:pk>/delete/", views.text_section_delete, name="text_section_delete"),
    path("texts/<int:pk>/move/", views.text_section_move, name="text_section_move"),
]
