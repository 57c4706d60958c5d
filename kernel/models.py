"""The kernel's models: policy settings (every numeric rule of the portal, editable by an
administrator) and data versions (for caches of computed figures).

Both moved here from groupschool without moving their tables: they keep their names
(`db_table`), and their permissions keep their grants (migration kernel 0001).

Each rule has a default with its source (DESIGN.md, "Policy figures"); the value in force is
shown next to the figure it drives.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .concurrency import Versioned
from .scoping import Rule, ScopedQuerySet


@dataclass(frozen=True)
class PolicyRule:
    key: str
    default: Decimal
    label: str
    unit: str
    source: str


NO_SOURCE = _("No national or provincial source was found: this figure is the bureau's to set.")

POLICY_RULES: dict[str, PolicyRule] = {
    rule.key: rule
    for rule in [
        PolicyRule(
            "rotation_share_target",
            Decimal("10"),
            _("Share of eligible teachers exchanged per year (at least)"),
            "%",
            _("National opinion on teacher exchange between county schools (2014)"),
        ),
        PolicyRule(
            "rotation_backbone_share_target",
            Decimal("20"),
            _("Backbone teachers among those exchanged (at least)"),
            "%",
            _("National opinion on teacher exchange between county schools (2014)"),
        ),
        PolicyRule(
            "rotation_eligible_years",
            Decimal("6"),
            _("Years at one campus after which a teacher is eligible for exchange"),
            _("years"),
            _("Provincial rules (e.g. Jiangxi, 2016)"),
        ),
        PolicyRule(
            "rotation_min_years",
            Decimal("3"),
            _("Length of an exchange (at least)"),
            _("school years"),
            _("Provincial rules (Jiangxi 2014; Beijing: 1 to 3 years)"),
        ),
        PolicyRule(
            "big_class_from",
            Decimal("56"),
            _("Big class (大班额): pupils in a class, from"),
            _("pupils"),
            _("State Council 国发〔2016〕40号"),
        ),
        PolicyRule(
            "super_big_class_from",
            Decimal("66"),
            _("Very big class (超大班额): pupils in a class, from"),
            _("pupils"),
            _("State Council 国发〔2016〕40号"),
        ),
        PolicyRule(
            "class_size_standard_primary",
            Decimal("45"),
            _("Standard class size, primary"),
            _("pupils"),
            _("National school standards"),
        ),
        PolicyRule(
            "class_size_standard_junior",
            Decimal("50"),
            _("Standard class size, junior secondary"),
            _("pupils"),
            _("National school standards"),
        ),
        PolicyRule(
            "school_size_max",
            Decimal("2000"),
            _("School size for high-quality balance, primary and junior (at most)"),
            _("pupils"),
            _("High-quality balanced development assessment rules (优质均衡)"),
        ),
        PolicyRule(
            "school_size_max_nine_year",
            Decimal("2500"),
            _("School size for high-quality balance, nine-year school (at most)"),
            _("pupils"),
            _("High-quality balanced development assessment rules (优质均衡)"),
        ),
        PolicyRule(
            "mentorship_months",
            Decimal("12"),
            _("Length of a mentoring pair"),
            _("months"),
            NO_SOURCE,
        ),
    ]
}


class PolicySetting(Versioned):
    """An administrator's value for one policy rule; rules without a row use their default."""

    key = models.CharField(
        _("rule"),
        max_length=64,
        unique=True,
        choices=[(key, rule.label) for key, rule in POLICY_RULES.items()],
    )
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    note = models.TextField(_("note"), blank=True, help_text=_("Why the bureau set this value."))
    history = HistoricalRecords(table_name="groupschool_historicalpolicysetting")

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(everyone=True)

    class Meta:
        db_table = "groupschool_policysetting"
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{POLICY_RULES[self.key].label}: {self.value}"

    @property
    def rule(self) -> PolicyRule:
        return POLICY_RULES[self.key]


class DataVersion(models.Model):
    """A named version of some data, for caches of figures computed from it.

    Every save or delete of a record the figures read moves the version on, in the same
    transaction (groupschool/figures.py, which registers the signals); a cached figure is keyed
    on the version it was computed at, so every web process sees a change as soon as it is
    committed. `token` is drawn anew at each change: a version number seen again (a rolled-back
    test, a restored backup) never finds figures of other data in the cache.
    """

    name = models.SlugField(_("name"), max_length=40, unique=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    token = models.CharField(_("token"), max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(bureau_only=True)

    class Meta:
        db_table = "groupschool_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


def policy_values() -> dict[str, Decimal]:
    """Every rule's value in force, in one query."""
    values = {key: rule.default for key, rule in POLICY_RULES.items()}
    values.update(PolicySetting.objects.values_list("key", "value"))
    return values
