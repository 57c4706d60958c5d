"""/api/v1/ (the router), /api/schema/ (OpenAPI 3), /api/docs/ (Swagger UI), /api/redoc/ (ReDoc),
and the page where a user makes and revokes their own tokens (/api/tokens/)."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import pages, views


class Router(DefaultRouter):
    # Path converters (<int:pk>), no `.json` suffixes: every URL name has one address.
    include_format_suffixes = False


router = Router(use_regex_path=False)
router.register("groups", views.GroupViewSet, basename="group")
router.register("schools", views.SchoolViewSet, basename="school")
router.register("campuses", views.CampusViewSet, basename="campus")
router.register("enrollment", views.EnrollmentViewSet, basename="enrollment")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("rotations", views.RotationViewSet, basename="rotation")
router.register("mentorships", views.MentorshipViewSet, basename="mentorship")
router.register("studios", views.StudioViewSet, basename="studio")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("quotas", views.QuotaViewSet, basename="quota")
router.register("phases", views.PhaseViewSet, basename="phase")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("subtasks", views.SubTaskViewSet, basename="subtask")
router.register("reports", views.ProgressReportViewSet, basename="report")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("published-results", views.PublishedResultViewSet, basename="published-result")
router.register("runs", views.RunViewSet, basename="run")
router.register("results", views.ResultViewSet, basename="result")
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("spending", views.SpendingViewSet, basename="spending")
router.register("assets", views.AssetViewSet, basename="asset")
router.register("resources", views.ResourceViewSet, basename="resource")

app_name = "api"

#: The documentation pages' title, in the interface's language.
TITLE = gettext_lazy("Group-school portal API")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation pages are pages of the portal: signed-in users only (else the login
    # page); their scripts come from the portal's static files (drf-spectacular-sidecar), none
    # inline (Content-Security-Policy).
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", title=TITLE)),
        name="docs",
    ),
    path(
        "redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api:schema", title=TITLE)),
        name="redoc",
    ),
    path("tokens/", pages.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
]
