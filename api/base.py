"""What every endpoint of the API is built on: the door.

Every queryset starts from `Model.objects.for_user(request.user, action)` (kernel.scoping): a
record outside the user's scope is a 404; in scope but not the user's to change (or an action
the role may not take) a 403, raised by the apps' services, as on the pages.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework import viewsets

from kernel.scoping import VIEW

from .paging import CursorPagination, PageNumberPagination  # noqa: F401


class ScopedViewSetMixin:
    """get_queryset() is the door: `model.objects.for_user(user, scope_action)`; `related` and
    `prefetch` keep the queries of a page constant whatever its rows."""

    model = None
    related: tuple[str, ...] = ()
    prefetch: tuple = ()
    scope_action = VIEW
    lookup_value_converter = "int"

    def get_queryset(self):
        queryset = self.model.objects.for_user(self.request.user, self.scope_action)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset.order_by(*self.default_ordering)

    default_ordering: tuple[str, ...] = ("pk",)

    def get_object(self):
        # An id past what the database holds is no record (404), not an overflow (500).
        if int(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, 0)) > 2**63 - 1:
            raise Http404
        return super().get_object()


class ScopedReadViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one model, through the door."""
