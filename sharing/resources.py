"""Import/export of budgets, spending and the asset register (django-import-export).

Built on kernel.admin_base.PortalResource: natural keys (school, campus and line codes,
asset codes), full validation of every row, all rows valid or none written. The rules of the
services apply to imports too: a spending row past the campus's allocation is refused (rows of
one sheet count together: each is checked after the rows above it were written in the same
transaction), an asset's campus changes only through a transfer, and a budget never falls below
what is already allocated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from campuses.models import Campus, School
from kernel.admin_base import PortalResource, natural_key_field

from .models import Asset, Budget, BudgetLine, ResourceUse, Spending
from .money import format_yuan, money_total
from .services import spending_check_allocation


class _RuleResource(PortalResource):
    """Runs `check_rules(instance)` once the row's own fields are valid."""

    def check_rules(self, instance) -> None:  # pragma: no cover - overridden
        pass

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        self.check_rules(instance)


class BudgetLineResource(PortalResource):
    class Meta:
        model = BudgetLine
        import_id_fields = ("code",)
        fields = ("code", "name", "order", "description")


class BudgetResource(_RuleResource):
    school = natural_key_field(School, attribute="school")
    line = natural_key_field(BudgetLine, attribute="line")

    class Meta:
        model = Budget
        import_id_fields = ("school", "year", "line")
        fields = ("school", "year", "line", "amount", "note")

    def check_rules(self, instance) -> None:
        if not instance.pk:
            return
        allocated = money_total(instance.allocations.all())
        if instance.amount < allocated:
            raise ValidationError(
                {
                    "amount": _("%(allocated)s yuan is already allocated: the budget cannot be less.")
                    % {"allocated": format_yuan(allocated)}
                }
            )


class SpendingResource(_RuleResource):
    campus = natural_key_field(Campus, attribute="campus")
    line = natural_key_field(BudgetLine, attribute="line")

    class Meta:
        model = Spending
        import_id_fields = ("id",)
        fields = ("id", "campus", "line", "spent_on", "amount", "purpose")

    def check_rules(self, instance) -> None:
        spending_check_allocation(instance)


class AssetResource(_RuleResource):
    campus = natural_key_field(Campus, attribute="campus")

    class Meta:
        model = Asset
        import_id_fields = ("code",)
        fields = ("code", "name", "category", "value", "campus", "condition", "acquired_on", "note")

    def check_rules(self, instance) -> None:
        if not instance.pk:
            return
        stored = Asset.objects.filter(pk=instance.pk).values_list("campus_id", flat=True).first()
        if stored is not None and stored != instance.campus_id:
            raise ValidationError({"campus": _("An asset changes campus only through a transfer.")})


class ResourceUseExportResource(PortalResource):
    """The uses of shared resources, for export only (uses are recorded by the portal).

    The model's field `resource` is exported as `teaching_resource`: django-import-export's
    export form names its checkboxes `<resource class>_<field>` and then strips the prefix, so
    a field called `resource` would overwrite the form's own `resource` choice (a 500)."""

    teaching_resource = Field(attribute="resource__title", column_name="teaching_resource", readonly=True)
    campus = Field(attribute="campus__code", column_name="campus", readonly=True)
    user = Field(attribute="user__username", column_name="user", readonly=True)

    class Meta:
        model = ResourceUse
        fields = ("id", "at", "kind", "teaching_resource", "campus", "user")
        export_order = fields
