"""URLs of the staff app. Two helpers add to this file: append, never rewrite."""

from django.urls import path

from . import views

app_name = "staff"

urlpatterns: list = []

# --- Staff members and rotations (helper "members") ---
urlpatterns += [
    path("", views.StaffMemberListView.as_view(), name="member_list"),
    path("new/", views.StaffMemberCreateView.as_view(), name="member_create"),
    path("<int:pk>/", views.StaffMemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.StaffMemberUpdateView.as_view(), name="member_update"),
    path("rotations/", views.RotationListView.as_view(), name="rotation_list"),
    path("rotations/new/", views.RotationCreateView.as_view(), name="rotation_create"),
    path(
        "rotations/eligibility/<int:staff_pk>/",
        views.rotation_eligibility_view,
        name="rotation_eligibility",
    ),
    path("rotations/<int:pk>/", views.RotationDetailView.as_view(), name="rotation_detail"),
    path("rotations/<int:pk>/approve/", views.rotation_approve, name="rotation_approve"),
    path("rotations/<int:pk>/reject/", views.rotation_reject, name="rotation_reject"),
    path("rotations/<int:pk>/withdraw/", views.rotation_withdraw, name="rotation_withdraw"),
    path("rotations/<int:pk>/start/", views.rotation_start, name="rotation_start"),
    path("rotations/<int:pk>/start-today/", views.rotation_start_today, name="rotation_start_today"),
    path("rotations/<int:pk>/complete/", views.rotation_complete, name="rotation_complete"),
]

# --- Mentoring, studios, projects, activities, quotas, leadership (helper "programmes") ---
urlpatterns += [
    path("mentorships/", views.MentorshipListView.as_view(), name="mentorship_list"),
    path("mentorships/new/", views.MentorshipCreateView.as_view(), name="mentorship_create"),
    path("mentorships/<int:pk>/", views.MentorshipDetailView.as_view(), name="mentorship_detail"),
    path("mentorships/<int:pk>/edit/", views.MentorshipUpdateView.as_view(), name="mentorship_update"),
    path("studios/", views.StudioListView.as_view(), name="studio_list"),
    path("studios/<int:pk>/", views.StudioDetailView.as_view(), name="studio_detail"),
    path("projects/", views.ResearchProjectListView.as_view(), name="project_list"),
    path("projects/<int:pk>/", views.ResearchProjectDetailView.as_view(), name="project_detail"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("quotas/", views.StaffingQuotaListView.as_view(), name="quota_list"),
    path("leading-group/", views.LeadingGroupView.as_view(), name="leading_group"),
    path("responsibilities/", views.ResponsibilitiesView.as_view(), name="responsibilities"),
    path("responsibilities/new/", views.ResponsibilityCreateView.as_view(), name="responsibility_create"),
    path(
        "responsibilities/<int:pk>/edit/",
        views.ResponsibilityUpdateView.as_view(),
        name="responsibility_update",
    ),
]
