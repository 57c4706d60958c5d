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


class ScopedFilterBackend(DjangoFilterBackend):
    """The apps' own FilterSets, their drop-downs limited to what the user reads (as on the
    pages: kernel.generic.scope_filterset), so a filter never tells of a record out of scope."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        return scope_filterset(filterset, request.user) if filterset is not None else None
