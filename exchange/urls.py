from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("versions/<int:pk>/export.xlsx", views.version_export_xlsx, name="version_export_xlsx"),
    path("versions/<int:pk>/export.json", views.version_export_json, name="version_export_json"),
    path("exchange/template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("plans/<int:pk>/import/", views.plan_import, name="plan_import"),
    path("plans/import/", views.plan_import, name="plan_import_new"),
]
