"""The home dashboard: first the answers to the bureau's questions (groupschool/dashboard.py:
ranks and bands, the plan's progress and overdue items, the exchange gap, funds,
rectifications), then the figures of every campus in the user's scope against the policy rules.

The figures of the whole scope come from groupschool/figures.py, cached until the data they
count changes. Queries are constant whatever the number of campuses: with the figures cached,
one for their version and one for the campuses of the page (and of the exchange panel);
otherwise one for the campuses, one for the policy rules and one per selector (enrollment,
staff, exchanges). The answers add their own constant number (see dashboard.py).
"""

from __future__ import annotations

from collections import OrderedDict

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from campuses.models import Campus
from campuses.selectors import ClassSizeThresholds, policy_rows_from_settings, policy_values_from_settings
from campuses.views import ENROLLMENT_RULES, ROTATION_RULES, links, requested_year
from kernel.scoping import user_scope
from staff.selectors import rotation_report

from .dashboard import answers, exchange_order, exchange_panel
from .figures import CACHE_SECONDS, READ, figures_version, scope_figures, scope_key


def _quick_links() -> list[dict]:
    """Links to the pages that exist: other apps add theirs as they are built."""
    return links(
        (_("Staff"), "staff:member_list", ""),
        (_("Rotations"), "staff:rotation_list", ""),
        (_("Mentoring pairs"), "staff:mentorship_list", ""),
        (_("Education groups"), "campuses:group_list", ""),
        (_("Campuses"), "campuses:campus_list", ""),
        (_("Enrollment"), "campuses:enrollment_list", ""),
        (_("Policy rules"), "campuses:policy", ""),
    )


def _number(value) -> float | None:
    return None if value is None else float(value)


#: Campus cards per dashboard page: a city's bureau sees hundreds of campuses; the totals at
#: the top still count every campus in scope, the cards and charts show one page of them.
DASHBOARD_CARDS_PER_PAGE = 30


def dashboard_context(user, year: int, page: str | int | None = 1, version: str | None = READ) -> dict:
    """Campus cards grouped by group and school (one page of them), totals over every campus in
    scope, chart data of the page's campuses and the rules in force."""
    figures, fetched = scope_figures(user, year, version)
    rules = policy_rows_from_settings(figures.policy, ENROLLMENT_RULES + ROTATION_RULES)
    values = policy_values_from_settings(figures.policy)

    page_obj = Paginator(figures.order, DASHBOARD_CARDS_PER_PAGE).get_page(page)
    page_ids = list(page_obj.object_list)
    exchange_ids = exchange_order(figures, values["rotation_share_target"], figures.order)
    if fetched:
        by_pk = fetched
    else:
        by_pk = (
            Campus.objects.for_user(user)
            .select_related("school__group")
            .in_bulk(list(dict.fromkeys(page_ids + exchange_ids)))
        )
    campuses = [by_pk[pk] for pk in page_ids if pk in by_pk]
    page_obj.object_list = campuses
    rotations = rotation_report(
        year=year,
        values=values,
        rows=[(campus, figures.rotation_for(campus.pk)) for campus in campuses],
        totals=figures.rotation_totals(),
    )

    groups: OrderedDict = OrderedDict()
    cards = []
    for campus in campuses:
        card = {
            "campus": campus,
            "enrollment": figures.enrollment_for(campus.pk),
            "staff": figures.staff_for(campus.pk),
            "rotation": rotations.for_campus(campus.pk),
        }
        cards.append(card)
        group = groups.setdefault(campus.school.group_id, {"group": campus.school.group, "schools": {}})
        school = group["schools"].setdefault(campus.school_id, {"school": campus.school, "cards": []})
        school["cards"].append(card)
    sections = [{"group": g["group"], "schools": list(g["schools"].values())} for g in groups.values()]

    chart = {
        "campuses": [card["campus"].name for card in cards],
        "average": [_number(card["enrollment"] and card["enrollment"].average_class_size) for card in cards],
        "standard": [
            card["enrollment"].class_size_standard if card["enrollment"] else None for card in cards
        ],
        "big_share": [_number(card["enrollment"] and card["enrollment"].big_class_share) for card in cards],
        "super_big_share": [
            _number(card["enrollment"] and card["enrollment"].super_big_class_share) for card in cards
        ],
        "ratio": [_number(card["rotation"] and card["rotation"].ratio.value) for card in cards],
        "ratio_target": float(values["rotation_share_target"]),
        "backbone_share": [
            _number(card["rotation"] and card["rotation"].backbone_share.value) for card in cards
        ],
        "backbone_target": float(values["rotation_backbone_share_target"]),
        "labels": {
            "average": _("Average class size"),
            "standard": _("Standard class size"),
            "big_share": _("Big classes (%)"),
            "super_big_share": _("Very big classes (%)"),
            "ratio": _("Exchanged / eligible (%)"),
            "ratio_target": _("Target"),
            "backbone_share": _("Backbone among exchanged (%)"),
            "no_data": _("No data"),
        },
    }
    return {
        "sections": sections,
        "cards": cards,
        "campus_count": len(figures.order),
        "page_obj": page_obj,
        "enrollment_total": figures.enrollment_totals(),
        "staff_total": figures.staff_totals(),
        "rotations": rotations,
        "policy_rules": rules,
        "thresholds": ClassSizeThresholds.from_policy(values),
        "chart": chart,
        "year": year,
        "exchange": exchange_panel(figures, by_pk, values, year),
    }


def home(request):
    """The dashboard of the campuses in the user's scope: a vice-principal sees their campus,
    group leadership their group, bureau roles every group; first the answers to the bureau's
    questions (groupschool/dashboard.py), then the figures of each campus."""
    scope = user_scope(request.user)
    year = requested_year(request)
    version = figures_version()  # read once for the cached figures and funds
    context = dashboard_context(request.user, year, request.GET.get("page"), version)
    context.update(
        quick_links=_quick_links() if scope.roles else [],
        has_role=bool(scope.roles),
        answers=answers(request.user, scope, year, timezone.localdate(), version),
        scope_everything=scope.everything,
        # The campus cards' HTML is kept per version of the figures they show (groupschool.figures),
        # scope, year, page and language: 30 cards took the bureau's dashboard 30 ms to render.
        cards_cache_key=(
            f"{version}:{scope_key(scope)}:{year}:{context['page_obj'].number}"
            if version is not None
            else ""
        ),
        cards_cache_seconds=CACHE_SECONDS,
    )
    return render(request, "groupschool/home.html", context)
