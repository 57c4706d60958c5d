"""Paging and filtering of the API's lists (settings.REST_FRAMEWORK names them)."""

from __future__ import annotations

from django.conf import settings
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination

from kernel.generic import MAX_PAGE_SIZE, scope_filterset


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = settings.PAGE_SIZE
    page_size_query_param = "per_page"
    max_page_size = MAX_PAGE_SIZE


class CursorPagination(pagination.CursorPagination):
    """Big lists (staff, scores, reports, rotations): a cursor, no COUNT, steady at any depth."""

    page_size = settings.PAGE_SIZE
    page_size_query_param = "per_page"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-pk"


#: Each app FilterSet's own subclass for the API (see ScopedFilterBackend.get_filterset_class).
_API_FILTERSETS: dict[type, type] = {}


class ScopedFilterBackend(DjangoFilterBackend):
    """The apps' own FilterSets, their drop-downs limited to what the user reads (as on the
    pages: kernel.generic.scope_filterset), so a filter never tells of a record out of scope."""

    def get_filterset_class(self, view, queryset=None):
        """The app's FilterSet as a subclass of its own: django-filter works out a missing label
        once, in the language of the moment, and keeps it on the filter; the schema generator
        reads every label (in English with ?lang=en), which would leave the pages' own filter
        forms in English. A subclass has filters of its own for the schema to mark."""
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is None or filterset_class.__name__.startswith("Api"):
            return filterset_class
        if filterset_class not in _API_FILTERSETS:
            _API_FILTERSETS[filterset_class] = type(f"Api{filterset_class.__name__}", (filterset_class,), {})
        return _API_FILTERSETS[filterset_class]

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        return scope_filterset(filterset, request.user) if filterset is not None else None
