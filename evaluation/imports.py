"""Import of one evaluator's scores from a sheet, and the sheet to fill in (services of the
assessment app, re-exported by evaluation.services).

The sheet the portal hands out carries, per cell, the version it was made from (a hidden
`version` column). An import applies the same rules as the score grid (evaluation.resources)
and, under a lock on the evaluator's scores of the scheme, compares each row's version with the
cell's: a row that would change a cell saved after the download is a conflict of that row's
points, and nothing is written, unless the evaluator chose to overwrite newer values; then the
overwritten cells are counted in the outcome.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import access
from .models import CellReview, Evaluatee, Indicator, Scheme, Score

logger = logging.getLogger(__name__)

REQUIRED_IMPORT_COLUMNS = ("evaluatee_code", "indicator_code", "points")
TEMPLATE_COLUMNS = (
    *REQUIRED_IMPORT_COLUMNS,
    "comment",
    "evaluatee_name",
    "indicator_name",
    "max_points",
    "version",
)


@dataclass
class ScoreImportOutcome:
    """What an import did: counts when it wrote, or the errors by row and column when it did
    not (then nothing at all was written). `conflicts` counts the rows whose cell was saved after
    the sheet was made; `overwritten` those of them written anyway (by the evaluator's choice)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    overwritten: int = 0
    conflicts: int = 0
    #: How many cells the import wrote (new or changed): the results are then out of date.
    cells_touched: int = 0
    #: The cells written, as (indicator id, evaluatee id) pairs (the provisional results follow).
    touched: frozenset = frozenset()
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _sheet_errors(result) -> list[tuple[int | None, str, str]]:
    errors: list[tuple[int | None, str, str]] = []
    # Unexpected failures: the person gets a sentence, the log gets the exception.
    for error in result.base_errors:
        logger.warning("Score import: the sheet failed: %r", error.error)
        errors.append((None, "", _("The sheet could not be read: check it and upload it again.")))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.warning("Score import: row %s failed: %r", number, error.error)
            errors.append((number, "", _("This row could not be read: check its cells.")))
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            label = "" if column == "__all__" else column
            errors.extend((row.number, label, str(message)) for message in messages)
    return errors


@transaction.atomic
def scores_sheet_import(
    *, user, scheme: Scheme, dataset, overwrite_newer: bool = False
) -> ScoreImportOutcome:
    """Import one evaluator's scores from a sheet (see evaluation.resources): all rows valid or
    none written; the same rules as the score grid (open scheme, points within [0, max], scored
    leaf indicators only); a cell saved since the sheet was made is a conflict unless
    `overwrite_newer`; touched cells need a new confirmation. The service
    `evaluation.services.scores_import` calls this and marks the results stale."""
    from .resources import ScoreImportResource

    if not access.can_score(user):
        raise PermissionDenied(_("Only evaluators of the supervision office enter scores."))
    if scheme.status != Scheme.Status.OPEN:
        raise ValidationError(_("This scheme is not open for scoring."))
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    missing = [column for column in REQUIRED_IMPORT_COLUMNS if column not in headers]
    if missing:
        raise ValidationError(
            _("The sheet has no column %(columns)s: its first row names the columns %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(REQUIRED_IMPORT_COLUMNS)}
        )
    dataset.headers = headers
    if not len(dataset):
        raise ValidationError(_("The sheet has no rows of scores."))
    # The evaluator's cells stay as read until this import ends: a grid save waits for it, and
    # then finds a newer version (409) rather than being overwritten.
    # The score rows only (`of`, no ordering): not the indicators' and the scheme's rows.
    list(
        Score.objects.select_for_update(of=("self",))
        .filter(evaluator=user, indicator__scheme=scheme)
        .order_by("pk")
        .values_list("pk")
    )
    resource = ScoreImportResource(scheme=scheme, user=user, overwrite_newer=overwrite_newer)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    errors = _sheet_errors(result)
    if errors:
        transaction.set_rollback(True)
        return ScoreImportOutcome(errors=errors, conflicts=len(resource.conflicts))
    touched = resource.touched
    if touched:
        # Confirmations are few (flagged cells only): match them in Python, not in one huge OR.
        confirmations = CellReview.objects.filter(indicator__scheme=scheme, points__isnull=True)
        stale = [
            pk
            for pk, indicator_id, evaluatee_id in confirmations.values_list(
                "pk", "indicator_id", "evaluatee_id"
            )
            if (indicator_id, evaluatee_id) in touched
        ]
        CellReview.objects.filter(pk__in=stale).delete()
    return ScoreImportOutcome(
        new=result.totals.get("new", 0),
        updated=result.totals.get("update", 0),
        unchanged=result.totals.get("skip", 0),
        overwritten=resource.overwritten,
        conflicts=len(resource.conflicts),
        cells_touched=len(touched),
        touched=frozenset(touched),
    )


def score_import_template(*, user, scheme: Scheme):
    """A sheet to fill in: one row per evaluatee × scored leaf indicator, with the user's own
    points where they already scored and each cell's version (tablib Dataset; names and maxima
    are for reading only). Points and versions come from one query: they belong together."""
    import tablib

    indicators = list(
        Indicator.objects.filter(scheme=scheme, kind=Indicator.Kind.SCORED, children__isnull=True).order_by(
            "parent__order", "order", "code"
        )
    )
    evaluatees = list(
        Evaluatee.objects.filter(scheme=scheme).order_by("code").values_list("pk", "code", "name")
    )
    mine = {
        (s.indicator_id, s.evaluatee_id): s
        for s in Score.objects.filter(indicator__scheme=scheme, evaluator=user).only(
            "indicator_id", "evaluatee_id", "points", "comment", "version"
        )
    }
    data = tablib.Dataset(headers=list(TEMPLATE_COLUMNS))
    for pk, code, name in evaluatees:
        for indicator in indicators:
            score = mine.get((indicator.pk, pk))
            data.append(
                [
                    code,
                    indicator.code,
                    "" if score is None else score.points,
                    "" if score is None else score.comment,
                    name,
                    indicator.name,
                    indicator.max_points,
                    0 if score is None else score.version,
                ]
            )
    return data


def score_template_xlsx(data) -> bytes:
    """The template as an Excel workbook whose `version` column is hidden (it is the portal's,
    not the evaluator's) and whose first row stays in view."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data.export("xlsx")))
    sheet = book.active
    sheet.freeze_panes = "A2"
    version = get_column_letter(TEMPLATE_COLUMNS.index("version") + 1)
    sheet.column_dimensions[version].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
