"""Import of scores from Excel (django-import-export), with the rules of the score grid.

One sheet holds one evaluator's points for one scheme: columns `evaluatee_code`,
`indicator_code`, `points`, `comment`, and `version` in the sheets the portal hands out.
Codes are looked up within the scheme only; points must lie in [0, the indicator's maximum]
with at most two decimals; only scored leaf indicators take points; a row without points is
left alone. A sheet with any invalid row writes nothing (PortalResource), and every error names
its row and column.

`version` is the version each cell had when the sheet was downloaded (0: not scored yet). A row
that would change a cell saved since (in the grid, or by another import) is a conflict of that
row's points: nothing is written, unless the evaluator chose to overwrite newer values, and then
the overwritten cells are counted. Without the column (a sheet made by hand) rows are applied
as they stand.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.widgets import Widget

from kernel.admin_base import CodeForeignKeyWidget, PortalResource

from .models import Evaluatee, Indicator, Scheme, Score

COLUMNS = ("evaluatee_code", "indicator_code", "points", "comment")
VERSION_COLUMN = "version"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class PointsWidget(Widget):
    """Points as typed in a sheet: 8.5, "8,5", 8 (Excel's float 8.0); anything else is an error
    of this column in the user's language, never decimal's "ConversionSyntax"."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, float):
            value = repr(value)
        try:
            points = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter the points as a number, e.g. 8.5.")) from None
        if not points.is_finite():
            raise ValueError(_("Enter the points as a number, e.g. 8.5."))
        return points

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def sheet_version(value) -> int | None:
    """The `version` cell: a whole number ≥ 0, None when blank; ValueError otherwise."""
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1
    if number < 0 or not number.is_integer():
        raise ValueError(
            _("This column is written by the portal: download the sheet again and keep it as it is.")
        )
    return int(number)


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
    points = Field(attribute="points", column_name="points", widget=PointsWidget())

    class Meta(PortalResource.Meta):
        model = Score
        import_id_fields = ("evaluatee", "indicator")
        fields = ("evaluatee", "indicator", "points", "comment")

    def __init__(self, *, scheme: Scheme, user, overwrite_newer: bool = False):
        super().__init__()
        self.scheme, self.user, self.overwrite_newer = scheme, user, overwrite_newer
        #: (row number, current version, sheet's version) of cells changed since the download.
        self.conflicts: list[tuple[int, int, int]] = []
        self.overwritten = 0
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

    def import_instance(self, instance, row, **kwargs):
        # The cell as stored, before the row's values are put on it.
        self._stored = (instance.version if instance.pk else 0, instance.points if instance.pk else None)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            self._sheet_version = sheet_version(row.get(VERSION_COLUMN))
        except ValueError as exc:
            self._sheet_version = None
            errors[VERSION_COLUMN] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row without points is not an entry: the template lists every cell, scored or not."""
        if not import_validation_errors and _blank(row.get("points")):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.indicator_id and instance.indicator_id not in self.scored_leaves:
            errors.setdefault("indicator", []).append(
                ValidationError(_("This indicator is not scored by evaluators."), code="not_scored")
            )
        self._check_version(errors)
        super().validate_instance(instance, errors, validate_unique=False)

    def _check_version(self, errors) -> None:
        """A row about to change a cell saved after the sheet was downloaded."""
        stored_version, stored_points = self._stored
        if self._sheet_version is None or self._sheet_version == stored_version:
            return
        self.conflicts.append((self._row_number, stored_version, self._sheet_version))
        if self.overwrite_newer:
            self.overwritten += 1
            return
        errors.setdefault("points", []).append(
            ValidationError(
                _(
                    "Changed since the sheet was downloaded: the cell now holds %(points)s (version "
                    "%(current)d; the sheet was made at version %(sheet)d). Download the sheet again, or "
                    "choose to overwrite newer values."
                )
                % {
                    "points": "—" if stored_points is None else stored_points,
                    "current": stored_version,
                    "sheet": self._sheet_version,
                },
                code="conflict",
            )
        )

    def before_save_instance(self, instance, row, **kwargs):
        instance.version = (instance.version or 0) + 1
        self.touched.add((instance.indicator_id, instance.evaluatee_id))
