"""What the crawl test (tests/security/test_crawl.py) visits, and the records it visits them with.

`fill_database()` leaves at least one row in every table of the portal's apps: the plan's data,
the demo accounts and a small generated demo first, then, for every model still empty, a row
whose required fields are filled from the field types (the first choice, the first related row,
a small file...). New models are covered without editing this file; a model the filler cannot
build is reported by name.

`crawl_urls()` turns the URL configuration into concrete GET addresses: every pattern, its
parameters taken from existing rows (the model of a `<pk>` is the model of the class-based view
that serves the pattern, or of the detail view whose address the pattern extends), and every
registered admin's changelist, change, history, import and export pages. A pattern that cannot be
filled is returned in `unfilled`, so that the test fails rather than silently skip it.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

PORTAL_APPS = (
    "campuses",
    "staff",
    "planning",
    "supervision",
    "sharing",
    "evaluation",
    "notices",
    "api",
    "groupschool",
)

#: Patterns not visited, and why.
SKIPPED_NAMES = {
    "logout": "signs the crawling client out",
    "set_language": "POST only, changes the session's language",
}


def _value_for(model_field, depth: int):
    """A valid value for a required field, or None when the field can stay empty."""
    if isinstance(model_field, models.ForeignKey | models.OneToOneField):
        related = model_field.related_model
        if related is get_user_model():
            return (
                get_user_model().objects.filter(username="admin").first() or get_user_model().objects.first()
            )
        return row_of(related, depth + 1)
    if model_field.choices:
        return (
            model_field.choices[0][0]
            if not isinstance(model_field.choices[0][1], list | tuple)
            else (model_field.choices[0][1][0][0])
        )
    if isinstance(model_field, models.FileField):
        return ContentFile(b"crawl\n", name="crawl.txt")
    if isinstance(model_field, models.DateTimeField):
        return timezone.now()
    if isinstance(model_field, models.DateField):
        return datetime.date.today()
    if isinstance(model_field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(model_field, models.BooleanField):
        return False
    if isinstance(model_field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(model_field, models.JSONField):
        return []
    if isinstance(model_field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(model_field, models.CharField | models.TextField):
        return f"crawl-{model_field.name}"[: model_field.max_length or 100]
    return None


def row_of(model, depth: int = 0):
    """The first row of `model`, made from its field types when there is none."""
    existing = model._base_manager.order_by("pk").first()
    if existing is not None or depth > 6:
        return existing
    values = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.auto_created or not model_field.editable:
            continue
        if model_field.has_default() and not isinstance(model_field, models.ForeignKey):
            continue
        required = not model_field.null and not model_field.blank
        if not required and not isinstance(model_field, models.ForeignKey | models.FileField):
            continue
        value = _value_for(model_field, depth)
        if value is None and required:
            return None
        if value is not None:
            values[model_field.name] = value
    for key, make in FILL_HINTS.get(model._meta.label, {}).items():
        value = make()
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    for attempt in (values, {k: v for k, v in values.items() if not model._meta.get_field(k).null}):
        try:
            with transaction.atomic():
                return model._base_manager.create(**attempt)
        except (IntegrityError, ValueError, TypeError) as exc:
            FAILURES[model._meta.label] = f"{exc!r} with {sorted(attempt)}"
    return None


def _nth(label: str, n: int = 0):
    return lambda: apps.get_model(label)._base_manager.order_by("pk")[n]


#: Values the field types cannot guess (check constraints across fields); None leaves it empty.
FILL_HINTS = {
    "evaluation.Evaluatee": {
        "school": _nth("campuses.School"),
        "campus": lambda: None,
        "staff": lambda: None,
    },
    "planning.SubTask": {"campus": _nth("campuses.Campus"), "unit": lambda: None},
    "supervision.SupervisionVisit": {"campus": _nth("campuses.Campus"), "group": lambda: None},
    "campuses.ExpansionApplication": {
        "proposed_name": lambda: "crawl",
        "proposed_code": lambda: "crawl",
        "target_group": lambda: None,
        "school": lambda: None,
    },
    "sharing.AssetTransfer": {"to_campus": _nth("campuses.Campus", 1)},
    "notices.Channel": {"campus": _nth("campuses.Campus"), "group": lambda: None},
}

#: Why a model could not be built (for the test's message).
FAILURES: dict[str, str] = {}


def fill_database() -> list[str]:
    """A row in every table of the portal's apps; the labels of the models left empty."""
    from groupschool.demo_accounts import demo_accounts_create
    from groupschool.demo_data import demo_data_generate
    from groupschool.plan_data import plan_data_load

    plan_data_load()
    demo_accounts_create()
    demo_data_generate(schools=2, staff_per_campus=3, seed=1)
    empty = []
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS or model._meta.proxy:
            continue
        if model.__name__.startswith("Historical"):
            continue
        if row_of(model) is None:
            empty.append(
                f"{model._meta.label}: {FAILURES.get(model._meta.label, 'a required field of unknown type')}"
            )
    return empty


# --------------------------------------------------------------------------------------------
# Addresses


@dataclass
class Target:
    """One address to visit: its URL name and the query parameters that may take hostile values."""

    name: str
    url: str
    params: tuple[str, ...] = ()
    exportable: bool = False


@dataclass
class CrawlPlan:
    targets: list[Target] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def _view_class(pattern):
    # Django's class-based views carry `view_class`; Django REST framework's viewsets `cls`.
    return getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)


def _list_params(view_class) -> tuple[str, ...]:
    params = list(COMMON_PARAMS)
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        params.extend(filterset_class.base_filters)
    return tuple(params)


def crawl_urls() -> CrawlPlan:
    """Every GET address of the portal (admin: changelist, change, history, import, export)."""
    plan = CrawlPlan()
    portal = [(route, name, pattern) for route, name, pattern in _walk(get_resolver().url_patterns)]
    portal = [entry for entry in portal if not entry[0].startswith("admin/") and entry[1]]
    # The model behind `<int:pk>` in an address: the class-based view's own, else the model of
    # the detail page whose address this one extends ("rotations/<pk>/approve/" → Rotation).
    models_by_prefix = {}
    for route, _name, pattern in portal:
        model = getattr(_view_class(pattern), "model", None)
        if model is not None and "<int:pk>" in route:
            models_by_prefix.setdefault(route.split("<int:pk>")[0] + "<int:pk>/", model)
    for route, name, pattern in portal:
        if name in SKIPPED_NAMES or name.split(":")[-1] in SKIPPED_NAMES:
            continue
        kwargs = {}
        ok = True
        for key in pattern.pattern.converters:
            model = _model_of(route, key, pattern, models_by_prefix)
            row = row_of(model) if model is not None else None
            if row is None:
                ok = False
                break
            kwargs[key] = row.pk
        if not ok:
            plan.unfilled.append(name)
            continue
        view_class = _view_class(pattern)
        is_list = view_class is not None and hasattr(view_class, "table_class")
        plan.targets.append(
            Target(
                name=name,
                url=reverse(name, kwargs=kwargs),
                params=_list_params(view_class) if is_list else COMMON_PARAMS,
                exportable=is_list and bool(getattr(view_class, "export_formats", ())),
            )
        )
    plan.targets.extend(_admin_targets())
    return plan


#: Parameters whose model the view does not declare: (route prefix, keyword) → model label.
EXTRA_MODELS = {
    ("planning/subtasks/", "subtask_pk"): "planning.SubTask",
    ("planning/phases/", "pk"): "planning.Phase",
    ("planning/reports/attachments/", "pk"): "planning.Attachment",
    ("planning/applications/", "document_pk"): "campuses.ApplicationDocument",
    ("planning/experiences/", "attachment_pk"): "supervision.ExperienceAttachment",
    ("evaluation/runs/", "pk"): "evaluation.ComputationRun",
    ("evaluation/evaluatees/", "pk"): "evaluation.Evaluatee",
    ("evaluation/appeals/", "pk"): "evaluation.Appeal",
    ("evaluation/evidence/", "pk"): "evaluation.Evidence",
    ("evaluation/scores/", "pk"): "evaluation.Score",
    ("evaluation/indicators/", "pk"): "evaluation.Indicator",
    ("evaluation/", "pk"): "evaluation.Scheme",
    ("sharing/budgets/", "pk"): "sharing.Budget",
    ("staff/responsibilities/", "pk"): "staff.ResponsibilityAssignment",
    ("staff/rotations/eligibility/", "staff_pk"): "staff.StaffMember",
}

#: Parameters every page is asked with: paging and sorting, and the names pages commonly read
#: outside a filter form (initial values of a form, a return address).
COMMON_PARAMS = (
    "page",
    "per_page",
    "sort",
    "q",
    "group",
    "campus",
    "area",
    "status",
    "year",
    "kind",
    "next",
    "on",
)


def _model_of(route: str, key: str, pattern, models_by_prefix):
    for (prefix, keyword), label in EXTRA_MODELS.items():
        if keyword == key and route.startswith(prefix):
            return apps.get_model(label)
    if key == "pk":
        model = getattr(_view_class(pattern), "model", None)
        if model is not None:
            return model
        prefix = route.split("<int:pk>")[0] + "<int:pk>/"
        return models_by_prefix.get(prefix)
    return None


def _admin_targets() -> list[Target]:
    targets = [Target(name="admin:index", url=reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        filters = []
        for entry in model_admin.list_filter or ():
            name = entry[0] if isinstance(entry, tuple | list) else entry
            if isinstance(name, str):
                filters.extend((name, f"{name}__exact", f"{name}__id__exact"))
            elif getattr(name, "parameter_name", None):
                filters.append(name.parameter_name)
        targets.append(
            Target(
                name=f"{base}_changelist", url=reverse(f"{base}_changelist"), params=("p", "o", "q", *filters)
            )
        )
        row = model._base_manager.order_by("pk").first()
        if row is not None:
            targets.append(Target(name=f"{base}_change", url=reverse(f"{base}_change", args=[row.pk])))
        for action in ("import", "export"):
            if _has_url(f"{base}_{action}"):
                targets.append(Target(name=f"{base}_{action}", url=reverse(f"{base}_{action}")))
    return targets


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name) if not name.endswith("_history") else reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True
