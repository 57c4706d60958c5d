from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from campuses import urls as campuses_urls

from . import campus_views, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch is offered on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The campuses namespace, at the root: campuses.urls holds /campuses/… and the expansion
    # applications under /planning/applications/… (see its docstring); the group, school and campus
    # pages that show staff figures beside enrollment come from campus_views.
    path("", include((campuses_urls.urlpatterns + campus_views.urlpatterns, "campuses"))),
    path("staff/", include("staff.urls")),
    path("sharing/", include("sharing.urls")),
    path("planning/", include("planning.urls")),
    path("planning/", include("supervision.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("notices/", include("notices.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached, met outside a view (loading the session), gets the 503
# page instead of the 500 (kernel/middleware.py).
handler500 = "kernel.middleware.server_error"
