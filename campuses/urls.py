"""URLs of the campuses app (namespace `campuses`), mounted at the root: the pages of groups,
schools and campuses under /campuses/, and the expansion applications (组建新教育集团, 教育集团纳新)
under /planning/applications/, where they lived before they moved here from planning (issue 13):
users keep their bookmarks."""

from django.urls import path

from . import views

app_name = "campuses"

# The pages of a group, a school and a campus, and the list of campuses, show staff figures too:
# groupschool/campus_views.py adds them to this namespace (groupschool/urls.py).

urlpatterns: list = [
    path("campuses/groups/", views.EducationGroupListView.as_view(), name="group_list"),
    path("campuses/enrollment/", views.EnrollmentListView.as_view(), name="enrollment_list"),
    path("campuses/policy/", views.PolicyView.as_view(), name="policy"),
    # Expansion applications (组建新教育集团, 教育集团纳新).
    path("planning/applications/", views.ExpansionApplicationListView.as_view(), name="application_list"),
    path(
        "planning/applications/new/",
        views.ExpansionApplicationCreateView.as_view(),
        name="application_create",
    ),
    path(
        "planning/applications/<int:pk>/",
        views.ExpansionApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "planning/applications/<int:pk>/edit/",
        views.ExpansionApplicationUpdateView.as_view(),
        name="application_update",
    ),
    path(
        "planning/applications/<int:pk>/submit/",
        views.application_step,
        {"step": "submit"},
        name="application_submit",
    ),
    path(
        "planning/applications/<int:pk>/review/",
        views.application_step,
        {"step": "review"},
        name="application_review",
    ),
    path(
        "planning/applications/<int:pk>/approve/",
        views.application_step,
        {"step": "approve"},
        name="application_approve",
    ),
    path(
        "planning/applications/<int:pk>/reject/",
        views.application_step,
        {"step": "reject"},
        name="application_reject",
    ),
    path(
        "planning/applications/<int:pk>/documents/",
        views.application_document_add,
        name="application_document_add",
    ),
    path(
        "planning/applications/<int:pk>/documents/<int:document_pk>/",
        views.application_document_download,
        name="application_document",
    ),
]
