from django.urls import path

from . import views

app_name = "campuses"

# The pages of a group, a school and a campus, and the list of campuses, show staff figures too:
# groupschool/campus_views.py adds them to this namespace (groupschool/urls.py).

urlpatterns: list = [
    path("groups/", views.EducationGroupListView.as_view(), name="group_list"),
    path("enrollment/", views.EnrollmentListView.as_view(), name="enrollment_list"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
]
