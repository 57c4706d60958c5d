"""URLs of the planning app (namespace `planning`)."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("my-work/", views.MyWorkView.as_view(), name="my_work"),
    path("phases/<int:pk>/report/", views.PhaseReportView.as_view(), name="phase_report"),
    path("measures/", views.MeasureListView.as_view(), name="measure_list"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("measures/<int:pk>/edit/", views.MeasureUpdateView.as_view(), name="measure_update"),
    path("measures/<int:pk>/report/", views.ReportCreateView.as_view(), name="measure_report"),
    path("subtasks/", views.SubTaskListView.as_view(), name="subtask_list"),
    path("subtasks/new/", views.SubTaskCreateView.as_view(), name="subtask_create"),
    path("subtasks/<int:subtask_pk>/report/", views.ReportCreateView.as_view(), name="subtask_report"),
    path("reports/", views.ProgressReportListView.as_view(), name="report_list"),
    path("documents/", views.DocumentListView.as_view(), name="document_list"),
    path("documents/new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/submit/", views.document_submit, name="document_submit"),
    path("documents/<int:pk>/return/", views.document_return, name="document_return"),
    path("documents/<int:pk>/approve/", views.document_approve, name="document_approve"),
    path("documents/<int:pk>/new-version/", views.document_new_version, name="document_new_version"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/decisions/new/", views.DecisionCreateView.as_view(), name="decision_create"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    # Files, sent only after their record is found in the user's scope.
    path("reports/attachments/<int:pk>/", views.report_attachment_download, name="report_attachment"),
    path("documents/<int:pk>/file/", views.document_file_download, name="document_file"),
    # Supervision visits and rectifications (工作督导, 过程评估, 整改).
    path("supervision/", views.SupervisionVisitListView.as_view(), name="visit_list"),
    path("supervision/new/", views.SupervisionVisitCreateView.as_view(), name="visit_create"),
    path("supervision/<int:pk>/", views.SupervisionVisitDetailView.as_view(), name="visit_detail"),
    path("supervision/<int:pk>/edit/", views.SupervisionVisitUpdateView.as_view(), name="visit_update"),
    path(
        "supervision/<int:pk>/rectifications/new/",
        views.RectificationCreateView.as_view(),
        name="rectification_create",
    ),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path("rectifications/<int:pk>/", views.RectificationDetailView.as_view(), name="rectification_detail"),
    path(
        "rectifications/<int:pk>/edit/", views.RectificationUpdateView.as_view(), name="rectification_update"
    ),
    path(
        "rectifications/<int:pk>/close/", views.RectificationCloseView.as_view(), name="rectification_close"
    ),
    path(
        "rectifications/<int:pk>/attachment/",
        views.rectification_attachment,
        name="rectification_attachment",
    ),
    # Expansion applications (组建新教育集团, 教育集团纳新).
    path("applications/", views.ExpansionApplicationListView.as_view(), name="application_list"),
    path("applications/new/", views.ExpansionApplicationCreateView.as_view(), name="application_create"),
    path("applications/<int:pk>/", views.ExpansionApplicationDetailView.as_view(), name="application_detail"),
    path(
        "applications/<int:pk>/edit/",
        views.ExpansionApplicationUpdateView.as_view(),
        name="application_update",
    ),
    path(
        "applications/<int:pk>/submit/", views.application_step, {"step": "submit"}, name="application_submit"
    ),
    path(
        "applications/<int:pk>/review/", views.application_step, {"step": "review"}, name="application_review"
    ),
    path(
        "applications/<int:pk>/approve/",
        views.application_step,
        {"step": "approve"},
        name="application_approve",
    ),
    path(
        "applications/<int:pk>/reject/", views.application_step, {"step": "reject"}, name="application_reject"
    ),
    path("applications/<int:pk>/documents/", views.application_document_add, name="application_document_add"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        views.application_document_download,
        name="application_document",
    ),
    # Typical experiences (典型经验).
    path("experiences/", views.ExperienceListView.as_view(), name="experience_list"),
    path("experiences/published/", views.PublishedExperienceListView.as_view(), name="experience_published"),
    path("experiences/new/", views.ExperienceCreateView.as_view(), name="experience_create"),
    path("experiences/<int:pk>/", views.ExperienceDetailView.as_view(), name="experience_detail"),
    path("experiences/<int:pk>/edit/", views.ExperienceUpdateView.as_view(), name="experience_update"),
    path("experiences/<int:pk>/publish/", views.experience_publish, name="experience_publish"),
    path("experiences/<int:pk>/unpublish/", views.experience_unpublish, name="experience_unpublish"),
    path(
        "experiences/<int:pk>/attachments/<int:attachment_pk>/",
        views.experience_attachment,
        name="experience_attachment",
    ),
]
