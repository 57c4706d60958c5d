"""One door to every record: `Model.objects.for_user(user, action="view")`.

The rule (the design's "who sees what", one rule for every page, action, export, download,
admin page and task):

- bureau roles (教育局, 督导室, 人事股, administrators) see and act on everything; each acts only
  where its role allows (督导室 scores, 人事股 approves: the apps' permissions modules);
- group leadership sees and acts on everything of its own group: every campus of it and the
  group-wide records (its plan: phases, measures; its documents, meetings, leading group...);
- a campus executive vice-principal READS the group-wide records of their own group (its plan,
  measures, group documents and meetings, the shared resource library) and reads and CHANGES the
  records of their own campus only;
- nothing crosses groups; anonymous users reach nothing.

Each model states once, beside its fields, whom its records belong to: a class attribute
`scope_rule = Rule(...)` (see `Rule`). `ScopedQuerySet.for_user` applies it, and so does every
other door: `kernel.generic.scoped_queryset` (views, exports, form choices, filter
choices), the admin (`kernel.admin_base.ScopedAdmin`) and tasks. A model without a rule
raises `ImproperlyConfigured` instead of returning everything. Models the portal does not own
(the user model) get their rule through `register_rule`.

Actions: "view" reads; "change" (and "add", "delete", which mean the same here) acts. Out of
scope is a 404; in scope but not allowed for the role is a 403 (the permissions modules).

Where a new rule goes: beside the model, as `scope_rule`; if no `Rule` field says it, add one
here (and a line to the matrix in tests/security/permission_matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q

from .roles import CITY_WIDE_ROLES, Role

VIEW = "view"
CHANGE = "change"
ACTIONS = frozenset({VIEW, CHANGE, "add", "delete"})


@dataclass(frozen=True)
class UserScope:
    """What one user may reach: everything, or a set of campuses (and the groups and schools
    they belong to, and the groups they lead)."""

    everything: bool
    campus_ids: frozenset[int]
    #: Groups led by the user (group leadership): acted on as a whole.
    group_ids: frozenset[int]
    roles: frozenset[str]
    #: Groups of the user's campuses (and those they lead): their group-wide records are read.
    member_group_ids: frozenset[int] = frozenset()
    #: Schools of the user's campuses.
    school_ids: frozenset[int] = frozenset()
    #: Schools of the groups the user leads: their school-wide records are acted on.
    led_school_ids: frozenset[int] = frozenset()
    user_id: int | None = None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def covers_campus(self, campus_id: int | None) -> bool:
        return self.everything or (campus_id is not None and campus_id in self.campus_ids)


NOTHING = UserScope(False, frozenset(), frozenset(), frozenset())


@dataclass(frozen=True)
class CampusRows:
    """What a scope source answers for one user: the groups they lead, and their campuses as
    (campus id, school id, group id) rows (the campuses they hold, and those of the groups they
    lead)."""

    led_group_ids: frozenset[int]
    campuses: tuple[tuple[int, int, int | None], ...]


#: Answers "which groups does this user lead, which campuses does this user hold" (user, roles).
ScopeSource = Callable[[object, frozenset[str]], CampusRows]
_scope_source: ScopeSource | None = None


def register_scope_source(source: ScopeSource) -> None:
    """Set where `user_scope` learns a user's campuses and groups. The app that owns campuses and
    groups registers it in its AppConfig.ready() (campuses: `campuses.selectors.user_campus_rows`);
    the kernel knows no campus model."""
    global _scope_source
    _scope_source = source


def user_scope(user) -> UserScope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    roles = frozenset(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles = roles | {Role.ADMINISTRATOR}
    if user.is_superuser or roles & CITY_WIDE_ROLES:
        scope = UserScope(True, frozenset(), frozenset(), roles, user_id=user.pk)
    else:
        if _scope_source is None:
            raise ImproperlyConfigured("No scope source: the campuses app registers one in its ready().")
        answer = _scope_source(user, roles)
        group_ids, rows = answer.led_group_ids, answer.campuses
        scope = UserScope(
            False,
            frozenset(pk for pk, _, _ in rows),
            group_ids,
            roles,
            member_group_ids=frozenset(g for _, _, g in rows if g is not None) | group_ids,
            school_ids=frozenset(s for _, s, _ in rows),
            led_school_ids=frozenset(s for _, s, g in rows if g in group_ids),
            user_id=user.pk,
        )
    user._portal_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles or campus permissions change."""
    user.__dict__.pop("_portal_scope", None)


@dataclass(frozen=True)
class Rule:
    """Whom a model's records belong to, declared once beside the model as `scope_rule`.

    - `campus`: lookups from the record to the Campus it belongs to (a rotation has two: where
      the teacher comes from and where they go). Read and changed by whoever holds the campus
      (its vice-principal, its group's leadership).
    - `group`: lookups to the EducationGroup of a group-wide record; `school`: to the School of a
      school-wide record. Read by the members of the group (school) — its campuses'
      vice-principals too, unless `members_read` is False — and changed by its leadership only.
    - `shared`: which records are group- or school-wide. By default those with none of their
      `campus` lookups set (a meeting of the whole group); `Q()` makes every record group-wide for
      reading (the plan's measures, the shared resource library).
    - `owner`: the lookup to the user who owns a record (author, applicant, recipient): they read
      and change it whatever their campus.
    - `public`: records every signed-in user reads (published experiences).
    - `everyone`: reference data (units, peer categories, policy settings): every signed-in user
      reads it, only bureau roles change it.
    - `bureau_only`: job bookkeeping and the like: bureau roles only.
    """

    campus: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    school: tuple[str, ...] = ()
    shared: Q | None = None
    owner: str | None = None
    public: Q | None = None
    everyone: bool = False
    bureau_only: bool = False
    members_read: bool = True

    def shared_condition(self) -> Q:
        if self.shared is not None:
            return self.shared
        condition = Q()
        for lookup in self.campus:
            condition &= Q(**{f"{lookup}__isnull": True})
        return condition

    def condition(self, scope: UserScope, action: str) -> Q | None:
        """The records of the rule's model that `scope` may reach for `action` (None: none)."""
        acting = action != VIEW
        if self.everyone:
            return None if acting else Q()
        if self.bureau_only:
            return None
        parts: list[Q] = []
        if scope.campus_ids:
            for lookup in self.campus:
                parts.append(Q(**{f"{lookup}__in": scope.campus_ids}))
        shared = self.shared_condition()
        groups = scope.group_ids if acting or not self.members_read else scope.member_group_ids
        if groups:
            for lookup in self.group:
                parts.append(shared & Q(**{f"{lookup}__in": groups}))
        schools = scope.led_school_ids if acting or not self.members_read else scope.school_ids
        if schools:
            for lookup in self.school:
                parts.append(shared & Q(**{f"{lookup}__in": schools}))
        if self.owner and scope.user_id is not None:
            parts.append(Q(**{self.owner: scope.user_id}))
        if self.public is not None and not acting and scope.user_id is not None:
            parts.append(self.public)
        if not parts:
            return None
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return condition

    def lookups(self) -> tuple[str, ...]:
        return (*self.campus, *self.group, *self.school, *((self.owner,) if self.owner else ()))


#: Rules of models the portal does not own (the user model), set by `register_rule`.
_REGISTERED: dict[type[models.Model], Rule] = {}


def register_rule(model: type[models.Model], rule: Rule) -> None:
    _REGISTERED[model] = rule


def rule_for(model: type[models.Model]) -> Rule:
    """The model's rule; a model without one is a configuration error, never "everything"."""
    rule = _REGISTERED.get(model) or getattr(model, "scope_rule", None)
    if not isinstance(rule, Rule):
        raise ImproperlyConfigured(
            f"{model._meta.label} declares no scope rule: add `scope_rule = Rule(...)` beside the model "
            "(kernel.scoping)."
        )
    return rule


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The records of `queryset` the user may reach for `action`, by its model's rule."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}: one of {sorted(ACTIONS)}.")
    model = queryset.model
    rule = rule_for(model)
    scope = user_scope(user)
    if scope.everything:
        return queryset
    if scope.user_id is None:
        return queryset.none()
    condition = rule.condition(scope, action)
    if condition is None:
        return queryset.none()
    if not condition:  # Q(): everything
        return queryset
    if any(_is_many_valued(model, lookup) for lookup in rule.lookups()) or _q_is_many_valued(
        model, rule.shared
    ):
        # Lookups through many-valued relations would repeat rows: filter by primary key.
        return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


class ScopedQuerySet(models.QuerySet):
    """The queryset of every portal model: `for_user(user, action)` is the door."""

    def for_user(self, user, action: str = VIEW):
        """Everything for bureau roles, the group's for its leadership, for a vice-principal the
        group-wide records of their group (to read) and their own campus's, nothing for
        anonymous users — as the model's `scope_rule` says."""
        return restrict(self, user, action)


def in_scope(obj: models.Model, user, action: str = VIEW) -> bool:
    """Is this record within the user's reach for `action`? (One query; none for bureau roles.)"""
    if user_scope(user).everything:
        return True
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def _q_is_many_valued(model, condition: Q | None) -> bool:
    if not condition:
        return False
    for child in condition.children:
        if isinstance(child, Q):
            if _q_is_many_valued(model, child):
                return True
        elif _is_many_valued(model, child[0].rsplit("__", 1)[0] if "__" in child[0] else child[0]):
            return True
    return False


def _is_many_valued(model, lookup: str) -> bool:
    """Does the lookup cross a reverse foreign key or a many-to-many relation?"""
    for name in lookup.split("__"):
        if name == "pk":
            return False
        try:
            field_ = model._meta.get_field(name)
        except FieldDoesNotExist:  # a transform or lookup (isnull, in): the path ends here
            return False
        if field_.one_to_many or field_.many_to_many:
            return True
        if not field_.is_relation:
            return False
        model = field_.related_model
    return False
