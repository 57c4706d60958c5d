"""Forms of the assessment app."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from kernel import uploads
from kernel.forms import PortalForm, ScopedModelForm
from kernel.roles import Role

from .models import Indicator, Scheme


class SchemeForm(ScopedModelForm):
    class Meta:
        model = Scheme
        fields = (
            "name",
            "year",
            "target_kind",
            "group",
            "description",
            "aggregation",
            "band_method",
            "excellent_share",
            "good_share",
            "pass_floor",
            "excellent_from",
            "good_from",
            "reconcile_tolerance",
            "appeal_days",
            "lead_evaluator",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_evaluator"].queryset = (
            get_user_model().objects.filter(groups__name__in=[Role.EVALUATOR, Role.BUREAU]).distinct()
        )


class IndicatorChoiceField(forms.ModelChoiceField):
    """An indicator chosen by its code and name ("A1.1 组织建设"), never its code alone."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class CellConfirmForm(PortalForm):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    evaluatee = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.CharField(
        label=_("corrected points"),
        required=False,
        help_text=_("Leave empty to confirm the evaluators' aggregate."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(PortalForm):
    indicator = IndicatorChoiceField(label=_("indicator"), queryset=Indicator.objects.none(), required=False)
    file = forms.FileField(label=_("file"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(scheme=scheme).order_by("order", "code")


class AppealForm(PortalForm):
    indicator = IndicatorChoiceField(label=_("indicator"), queryset=Indicator.objects.none())
    reasons = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("evidence file"), required=False)

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        # The leaves, in the order of the breakdown (first-level indicator, then its own order).
        self.fields["indicator"].queryset = Indicator.objects.filter(
            scheme=scheme, children__isnull=True
        ).order_by(F("parent__order").asc(nulls_first=True), "parent__code", "order", "code")


class AppealDecisionForm(PortalForm):
    accept = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
    )
    corrected_points = forms.CharField(label=_("corrected points"), required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(PortalForm):
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a new version of results already published."),
    )


class ScoreImportForm(PortalForm):
    """An Excel (or CSV) sheet of the evaluator's scores: see evaluation.resources."""

    upload_policies = {"file": uploads.IMPORT}

    file = forms.FileField(label=_("Sheet of scores (xlsx or csv)"))
    overwrite_newer = forms.BooleanField(
        label=_("Overwrite newer values"),
        required=False,
        help_text=_(
            "Cells saved after the sheet was downloaded are conflicts and nothing is imported. "
            "Tick this to write the sheet's values over them anyway."
        ),
    )


class IndicatorForm(ScopedModelForm):
    """An indicator of one scheme: its first-level indicator is chosen among the scheme's."""

    class Meta:
        model = Indicator
        fields = (
            "parent",
            "code",
            "name",
            "order",
            "max_points",
            "weight",
            "kind",
            "computation",
            "target_value",
            "guidance",
            "evidence_requirement",
        )
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 3}),
            "evidence_requirement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.scheme = scheme
        parents = Indicator.objects.filter(scheme=scheme, parent__isnull=True).order_by("order", "code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _("Empty for a first-level indicator.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        others = Indicator.objects.filter(scheme=self.instance.scheme, code=code).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This scheme already has an indicator with this code."))
        return code
