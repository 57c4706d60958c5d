"""Generic views every app builds on: scoped, filtered, paginated, exportable.

All of them start from the door, `Model.objects.for_user(request.user, action)`
(kernel.scoping), through `scoped_queryset`: a record
outside the user's scope is a 404, whatever the URL; an action the user's role may not take on a
record in scope is a 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .concurrency import RecordModifiedError, add_version_field, check_version
from .exports import SafeTableExport, streamed_export
from .scoping import CHANGE, VIEW, in_scope, restrict, user_scope
from .widgets import style_widgets


def scoped_queryset(model: type[Model], user, action: str = VIEW) -> QuerySet:
    """The records of `model` the user may reach for `action`, by the model's scope rule; a model
    that declares none raises ImproperlyConfigured (never "all of them")."""
    return restrict(model._default_manager.all(), user, action)


def scope_filterset(filterset, user):
    """The filterset's drop-downs (model choice filters) list only what the user reads: a
    vice-principal's campus filter offers their campus, not every campus of the city. A filter
    whose choices are already a function of the request (e.g. the campuses a rotation may reach)
    keeps them."""
    for filter_ in filterset.filters.values():
        declared = filter_.extra.get("queryset")
        if declared is None or callable(declared):
            continue

        def scoped(request, declared=declared):
            return scoped_queryset(declared.model, user) & declared

        filter_.extra["queryset"] = scoped
    return filterset


class ScopedMixin:
    """get_queryset() starts from the user's scope; `related` are select_related paths and
    `prefetch` prefetch_related paths, so that a page's queries do not grow with its rows."""

    model: type[Model]
    related: tuple[str, ...] = ()
    prefetch: tuple = ()
    #: The door's action: "view" for pages that read, "change" for pages that write.
    scope_action: str = VIEW

    def get_queryset(self):
        queryset = scoped_queryset(self.model, self.request.user, self.scope_action)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.prefetch:
            queryset = queryset.prefetch_related(*self.prefetch)
        return queryset


#: The most rows a list page shows, whatever `?per_page=` asks for.
MAX_PAGE_SIZE = 100


def page_size(value, default: int = settings.PAGE_SIZE) -> int:
    """`?per_page=` as a page size between 1 and MAX_PAGE_SIZE: zero, a negative or non-numeric
    value gives the default, a huge one the maximum; never an error."""
    try:
        size = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return default if size < 1 else min(size, MAX_PAGE_SIZE)


class TablePaginator(Paginator):
    """A list table's paginator: between 1 and MAX_PAGE_SIZE rows a page, and told how many
    rows there are when the view has counted them (see PortalListView.get_table_pagination)."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, page_size(per_page), *args, **kwargs)
        if count is not None:
            self.count = count


class PortalListView(ScopedMixin, ExportMixin, SingleTableMixin, FilterView):
    """A list page: filter form, sortable paginated table, export to Excel and CSV.

    Subclasses set model, table_class, filterset_class, title, export_name.
    """

    template_name = "portal/list.html"
    paginate_by = settings.PAGE_SIZE
    export_class = SafeTableExport
    export_formats = ("xlsx", "csv")
    #: Write the export while it is sent, reading the records in chunks (kernel.exports.
    #: streamed_export): for lists of tens of thousands of rows, whose export would otherwise be
    #: built whole in memory.
    streamed_export = False
    title = ""
    create_url_name: str | None = None
    create_roles: tuple[str, ...] = ()

    def get_filterset(self, filterset_class):
        filterset = scope_filterset(super().get_filterset(filterset_class), self.request.user)
        style_widgets(filterset.form)
        return filterset

    def paginate_queryset(self, queryset, page_size):
        """Any `?page=` gives a page: not a number → the first, past the end → the last
        (Django's ListView answers 404; the table, which shows the rows, does the same)."""
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        self.row_count = paginator.count
        return paginator, page, page.object_list, page.has_other_pages()

    def get_table_pagination(self, table):
        # The list view's own paginator (the one that answers 404 for a page out of range) has
        # counted the rows of the same queryset: the table's reuses that count rather than run
        # the COUNT again (a full scan on a search of the staff list).
        pagination = {"per_page": self.paginate_by, "paginator_class": TablePaginator}
        if getattr(self, "row_count", None) is not None:
            pagination["count"] = self.row_count
        return pagination

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"

    def create_export(self, export_format):
        if not self.streamed_export or export_format not in ("csv", "xlsx"):
            return super().create_export(export_format)
        return streamed_export(
            self.get_table(**self.get_table_kwargs()),
            export_format,
            filename=self.get_export_filename(export_format),
            exclude_columns=self.exclude_columns,
            title=self.export_name,
        )

    def can_create(self) -> bool:
        return bool(self.create_url_name) and user_scope(self.request.user).has_role(*self.create_roles)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            create_url_name=self.create_url_name if self.can_create() else None,
            export_formats=self.export_formats,
        )
        return context


class PortalDetailView(ScopedMixin, DetailView):
    """A record page; a record outside the user's scope is a 404."""


class RoleRequiredMixin:
    """Refuse (403) users whose roles may not take this action, before anything else."""

    allowed_roles: tuple[str, ...] = ()
    denied_message = _("Your role cannot do this.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).has_role(*self.allowed_roles):
            raise PermissionDenied(self.denied_message)
        return super().dispatch(request, *args, **kwargs)


class ScopedFormMixin:
    """Forms get the user, so that their choice fields offer only records in scope
    (see kernel.forms.ScopedModelForm); the save goes through `save_object`, which
    subclasses point at a service. A service's ValidationError lands on the form.

    A form that edits one record (an UpdateView's object, or `edited_record()` of a form view)
    carries the record's revision: a save made from an older one is refused with a 409 page that
    shows who changed what since, and the same form, submitted again, reapplies the change
    (kernel.concurrency)."""

    success_message = _("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def edited_record(self) -> Model | None:
        """The record this form changes, if it changes one."""
        return getattr(self, "object", None)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        add_version_field(form, self.edited_record())
        return form

    def save_object(self, form):
        return form.save()

    def form_valid(self, form):
        record = self.edited_record()
        try:
            with transaction.atomic():
                if check_version(form, record, lock=True):
                    return self.render_to_response(self.get_context_data(form=form), status=409)
                self.object = self.save_object(form)
        except RecordModifiedError:
            # Saved by someone else between the check and the save (a service that reads the
            # record again): the same answer as a stale form.
            if not check_version(form, record):
                form.add_error(None, _("Not saved: the record changed while you were saving it. Save again."))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class PortalCreateView(RoleRequiredMixin, ScopedFormMixin, CreateView):
    template_name = "portal/form.html"


class PortalUpdateView(RoleRequiredMixin, ScopedMixin, ScopedFormMixin, UpdateView):
    """A record the user reads (else 404) and may change (else 403: a vice-principal reads the
    group's records but changes their own campus's only)."""

    template_name = "portal/form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not in_scope(obj, self.request.user, CHANGE):
            raise PermissionDenied(self.denied_message)
        return obj
