"""Import of scores from Excel (django-import-export), with the rules of the score grid.

One sheet holds one evaluator's points for one scheme: columns `evaluatee_code`,
`indicator_code`, `points`, `comment`. Codes are looked up within the scheme only; points must
lie in [0, the indicator's maximum] with at most two decimals; only scored leaf indicators take
points. A sheet with any invalid row writes nothing (PortalResource), and every error names its
row and column.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from groupschool.admin_base import CodeForeignKeyWidget, PortalResource

from .models import Evaluatee, Indicator, Score, Scheme

COLUMNS = ("evaluatee_code", "indicator_code", "points", "comment")


class _InSchemeWidget(CodeForeignKeyWidget):
    """A code looked up among one scheme's evaluatees or indicators."""

    def __init__(self, model, scheme_id: int):
        super().__init__(model, field="code")
        self.scheme_id = scheme_id

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(scheme_id=self.scheme_id)


class ScoreImportResource(PortalResource):
    evaluatee = Field(attribute="evaluatee", column_name="evaluatee_code")
    indicator = Field(attribute="indicator", column_name="indicator_code")

    class Meta(PortalResource.Meta):
        model = Score
        import_id_fields = ("evaluatee", "indicator")
        fields = ("evaluatee", "indicator", "points", "comment")

    def __init__(self, *, scheme: Scheme, user):
        super().__init__()
        self.scheme, self.user = scheme, user
        self.fields["evaluatee"].widget = _InSchemeWidget(Evaluatee, scheme.pk)
        self.fields["indicator"].widget = _InSchemeWidget(Indicator, scheme.pk)
        self.scored_leaves = set(
            Indicator.objects.filter(scheme=scheme, kind=Indicator.Kind.SCORED, children__isnull=True).values_list(
                "pk", flat=True
            )
        )
        self.touched: set[tuple[int, int]] = set()

    def get_queryset(self):
        # The importing evaluator's own scores: a sheet never touches another evaluator's.
        return Score.objects.filter(evaluator=self.user, indicator__scheme=self.scheme)

    def init_instance(self, row=None):
        return Score(evaluator=self.user, version=0)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.indicator_id and instance.indicator_id not in self.scored_leaves:
            errors.setdefault("indicator", []).append(
                ValidationError(_("This indicator is not scored by evaluators."), code="not_scored")
            )
        super().validate_instance(instance, errors, validate_unique=False)

    def before_save_instance(self, instance, row, **kwargs):
        instance.version = (instance.version or 0) + 1
        self.touched.add((instance.indicator_id, instance.evaluatee_id))
