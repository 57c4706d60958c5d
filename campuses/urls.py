from django.urls import path

from . import views

app_name = "campuses"

urlpatterns: list = [
    path("groups/", views.EducationGroupListView.as_view(), name="group_list"),
    path("groups/<int:pk>/", views.EducationGroupDetailView.as_view(), name="group_detail"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("", views.CampusListView.as_view(), name="campus_list"),
    path("<int:pk>/", views.CampusDetailView.as_view(), name="campus_detail"),
    path("enrollment/", views.EnrollmentListView.as_view(), name="enrollment_list"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
]
