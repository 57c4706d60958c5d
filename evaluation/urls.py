"""URLs of the assessment app (namespace `evaluation`)."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.SchemeListView.as_view(), name="scheme_list"),
    path("new/", views.SchemeCreateView.as_view(), name="scheme_create"),
    path("<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("<int:pk>/edit/", views.SchemeUpdateView.as_view(), name="scheme_update"),
    path("<int:pk>/status/", views.scheme_transition, name="scheme_transition"),
    path("<int:pk>/compute/", views.scheme_compute, name="scheme_compute"),
    path("<int:pk>/evaluatees/sync/", views.scheme_evaluatees_sync, name="scheme_evaluatees_sync"),
    path("<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("<int:pk>/indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.IndicatorUpdateView.as_view(), name="indicator_update"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:pk>/scores/", views.score_grid, name="score_grid"),
    path("<int:pk>/scores/save/", views.score_save, name="score_save"),
    path("<int:pk>/scores/import/", views.score_import, name="score_import"),
    path("<int:pk>/scores/template.xlsx", views.score_import_template, name="score_import_template"),
    path("<int:pk>/reconcile/", views.reconcile, name="reconcile"),
    path("<int:pk>/reconcile/confirm/", views.cell_confirm, name="cell_confirm"),
    path("<int:pk>/results/", views.ResultListView.as_view(), name="results"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("evaluatees/<int:pk>/", views.evaluatee_detail, name="evaluatee_detail"),
    path("evaluatees/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evaluatees/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("appeals/<int:pk>/evidence/", views.appeal_evidence_download, name="appeal_evidence"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("scores/<int:pk>/evidence/", views.score_evidence_download, name="score_evidence"),
]
