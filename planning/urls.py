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
]
