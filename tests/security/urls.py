"""The portal's URLs plus views that fail on purpose, for the error-page tests
(`@pytest.mark.urls("tests.security.urls")`)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.urls import include, path


@login_not_required
def database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


@login_not_required
def connection_gone(request):
    raise InterfaceError("connection already closed")


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test/database-down/", database_down),
    path("test/connection-gone/", connection_gone),
    path("test/forbidden/", forbidden),
    path("test/crash/", crash),
    path("", include("groupschool.urls")),
]

handler500 = "kernel.middleware.server_error"
