"""Reads of the supervision app."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from kernel.scoping import user_scope

from .models import Rectification


def timeline_rectifications(*, user, campus=None, overdue_only: bool = False, today: datetime.date):
    """The open rectifications the user may see, for the timeline: of one campus if asked, only
    the overdue ones if asked."""
    queryset = (
        Rectification.objects.for_user(user)
        .open()
        .select_related("visit__group", "campus", "owner")
        .order_by("due_on", "pk")
    )
    if campus is not None:
        queryset = queryset.filter(campus=campus)
    if overdue_only:
        queryset = queryset.filter(due_on__lt=today)
    return queryset


def my_rectifications(*, user, today: datetime.date) -> list[tuple[Rectification, bool]]:
    """Open rectifications the user answers for: those they own and those of their campuses
    (a campus executive vice-principal, group leadership: also the group-wide ones). A bureau
    account sees those due within 30 days anywhere, besides its own. Due soonest first."""
    scope = user_scope(user)
    condition = Q(owner=user)
    if scope.everything:
        condition |= Q(due_on__lte=today + datetime.timedelta(days=30))
    else:
        condition |= Q(pk__in=Rectification.objects.for_user(user).values("pk"))
    rectifications = (
        Rectification.objects.open()
        .filter(condition)
        .select_related("visit__group", "visit__campus", "campus", "owner")
        .order_by("due_on", "pk")
    )
    return [(r, r.due_on < today) for r in rectifications]


def rectification_counts(*, user, today: datetime.date) -> dict[str, int]:
    """Open rectifications in the user's scope and how many of them are past due. One query."""
    return (
        Rectification.objects.for_user(user)
        .open()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
