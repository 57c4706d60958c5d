"""Forms of shared funds, assets and resources; choices come from the user's scope
(kernel.forms.ScopedModelForm), writes go through sharing.services. Files are checked by
the portal's upload policies (kernel.uploads: a receipt is an attachment, 20 MB; a teaching
resource up to 200 MB)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus, School
from kernel.forms import PortalForm, ScopedModelForm

from .models import Allocation, Asset, Budget, Spending, TeachingResource


class BudgetForm(ScopedModelForm):
    class Meta:
        model = Budget
        fields = ["school", "year", "line", "amount", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user)


class AllocationForm(ScopedModelForm):
    class Meta:
        model = Allocation
        fields = ["campus", "amount"]

    def __init__(self, *args, budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.budget = budget
        self.fields["campus"].queryset = self.fields["campus"].queryset.filter(school_id=budget.school_id)


class SpendingForm(ScopedModelForm):
    class Meta:
        model = Spending
        fields = ["campus", "line", "spent_on", "amount", "purpose", "attachment"]
        widgets = {"spent_on": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A vice-principal records for their one campus: chosen already.
        campuses = list(self.fields["campus"].queryset[:2])
        if len(campuses) == 1 and not self.instance.campus_id:
            self.initial.setdefault("campus", campuses[0].pk)


class ReallocationForm(PortalForm):
    budget = forms.ModelChoiceField(label=_("budget"), queryset=Budget.objects.none())
    from_campus = forms.ModelChoiceField(
        label=_("giving campus"),
        queryset=Campus.objects.none(),
        required=False,
        help_text=_("Empty: from the part of the budget not yet allocated."),
    )
    to_campus = forms.ModelChoiceField(label=_("receiving campus"), queryset=Campus.objects.none())
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        budgets = Budget.objects.for_user(user).select_related("school", "line")
        self.fields["budget"].queryset = budgets
        # Money may come from any campus of the budget's school; it goes to one of the user's.
        self.fields["from_campus"].queryset = Campus.objects.filter(school__in=budgets.values("school"))
        self.fields["to_campus"].queryset = Campus.objects.for_user(user)


class AssetForm(ScopedModelForm):
    class Meta:
        model = Asset
        fields = ["code", "name", "category", "value", "campus", "condition", "acquired_on", "note"]
        widgets = {"acquired_on": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moves between campuses go through a transfer, so that each one is recorded.
            self.fields["campus"].disabled = True
            self.fields["campus"].help_text = _("Changed only by a received transfer.")


class AssetTransferForm(PortalForm):
    to_campus = forms.ModelChoiceField(label=_("receiving campus"), queryset=Campus.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, asset, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["to_campus"].queryset = Campus.objects.filter(school_id=asset.campus.school_id).exclude(
            pk=asset.campus_id
        )


class TeachingResourceForm(ScopedModelForm):
    class Meta:
        model = TeachingResource
        fields = ["title", "kind", "subject", "grade", "author", "campus", "file", "description"]
