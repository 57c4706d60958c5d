"""The home dashboard: the figures of every campus in the user's scope, against the policy rules.

Queries are constant whatever the number of campuses: one for the campuses, one for the policy
rules, one per selector (enrollment, staff, exchanges).
"""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from campuses.models import Campus
from campuses.selectors import (
    ClassSizeThresholds,
    enrollment_figures,
    enrollment_totals,
    policy_rows,
    policy_values_from_rows,
)
from campuses.views import ENROLLMENT_RULES, ROTATION_RULES, links, requested_year
from staff.selectors import rotation_figures, staff_figures, staff_totals

from .scoping import user_scope


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


def dashboard_context(user, year: int, page: str | int | None = 1) -> dict:
    """Campus cards grouped by group and school (one page of them), totals over every campus in
    scope, chart data of the page's campuses and the rules in force."""
    campuses = list(Campus.objects.for_user(user).select_related("school__group", "executive_vice_principal"))
    rules = policy_rows(ENROLLMENT_RULES + ROTATION_RULES)
    values = policy_values_from_rows(rules)
    ids = [campus.pk for campus in campuses]
    enrollment = enrollment_figures(campus_ids=ids, policy=values)
    staff = staff_figures(campus_ids=ids)
    rotations = rotation_figures(user=user, year=year, campus_ids=ids)

    ordered = sorted(
        campuses,
        key=lambda c: (
            c.school.group is None,
            c.school.group.name if c.school.group else "",
            c.school.name,
            not c.is_core,
            # A campus without an opening date (the old core campus) comes first.
            c.opened_on or datetime.date.min,
            c.name,
        ),
    )
    page_obj = Paginator(ordered, DASHBOARD_CARDS_PER_PAGE).get_page(page)
    groups: OrderedDict = OrderedDict()
    cards = []
    for campus in page_obj.object_list:
        card = {
            "campus": campus,
            "enrollment": enrollment.get(campus.pk),
            "staff": staff.get(campus.pk),
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
        "campus_count": len(campuses),
        "page_obj": page_obj,
        "enrollment_total": enrollment_totals(enrollment.values()),
        "staff_total": staff_totals(staff.values()),
        "rotations": rotations,
        "policy_rules": rules,
        "thresholds": ClassSizeThresholds.from_policy(values),
        "chart": chart,
        "year": year,
    }


def home(request):
    """The dashboard of the campuses in the user's scope: a vice-principal sees their campus,
    group leadership their group, bureau roles every group."""
    scope = user_scope(request.user)
    context = dashboard_context(request.user, requested_year(request), request.GET.get("page"))
    context.update(quick_links=_quick_links() if scope.roles else [], has_role=bool(scope.roles))
    return render(request, "groupschool/home.html", context)
