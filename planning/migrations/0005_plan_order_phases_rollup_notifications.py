"""Data for existing databases (schema in 0004):

- measures get the plan's order (where none was set) and their phase (where none was set; see
  fixtures/plan_measures.json "_phases" for the reading of the plan);
- a measure with sub-tasks gets their average progress (the service keeps it from now on);
- notifications written as text in one language get the days and due date they were about, so
  that pages write them in the reader's language (Notification.text()).

Idempotent; the reverse leaves the data as it is (nothing to undo that the old code misreads).
"""

import datetime
import re

from django.db import migrations

#: The plan's measures: code → (order, phase code).
PLAN_MEASURES = {
    "三(一)1": (1, "jianzhang-lizhi"),
    "三(一)2": (2, "jianzhang-lizhi"),
    "三(二)1": (3, "diaoyan-pinggu"),
    "三(二)2": (4, "zongjie-tuiguang"),
    "三(三)1": (5, "jingzhun-tuijin"),
    "三(三)2": (6, "jingzhun-tuijin"),
}
NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
CODE = re.compile(r"^([一二三四五六七八九十])\(([一二三四五六七八九十])\)(\d+)$")
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _order_of_code(code: str) -> int:
    """三(二)1 → 3·10000 + 2·100 + 1: Chinese numerals read as numbers, not as characters."""
    match = CODE.match(code)
    if not match:
        return 0
    return NUMERALS[match.group(1)] * 10000 + NUMERALS[match.group(2)] * 100 + int(match.group(3))


def forwards(apps, schema_editor):
    Measure = apps.get_model("planning", "Measure")
    Phase = apps.get_model("planning", "Phase")
    SubTask = apps.get_model("planning", "SubTask")
    Notification = apps.get_model("planning", "Notification")

    phases = {phase.code: phase for phase in Phase.objects.all()}
    for measure in Measure.objects.all():
        changed = []
        order, phase_code = PLAN_MEASURES.get(measure.code, (_order_of_code(measure.code), None))
        if measure.order == 0 and order:
            measure.order = order
            changed.append("order")
        if measure.phase_id is None and phase_code in phases:
            measure.phase = phases[phase_code]
            changed.append("phase")
        values = list(
            SubTask.objects.filter(measure=measure).exclude(status="cancelled").values_list("progress", flat=True)
        )
        if values:
            progress = sum(values) // len(values)
            if progress != measure.progress:
                measure.progress = progress
                changed.append("progress")
            if progress >= 100 and measure.status != "cancelled" and measure.status != "done":
                measure.status = "done"
                changed.append("status")
            elif 0 < progress < 100 and measure.status in ("not_started", "done"):
                measure.status = "in_progress"
                changed.append("status")
        if changed:
            measure.save(update_fields=changed)

    for notification in Notification.objects.filter(days__isnull=True).exclude(message=""):
        match = DATE.search(notification.message)
        if not match:
            continue
        due = datetime.date(*(int(part) for part in match.groups()))
        notification.due_on = due
        notification.days = abs((notification.day - due).days)
        notification.save(update_fields=["due_on", "days"])


class Migration(migrations.Migration):
    dependencies = [("planning", "0004_notification_fields_measure_help")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
