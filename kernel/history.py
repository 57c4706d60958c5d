"""The change history of a record (django-simple-history) as pages show it: who, when, what."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

#: How many changes a record page shows, newest first.
HISTORY_LIMIT = 50

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def display_value(field, value, related: dict):
    """A history value as the page shows it: choice labels, names of related records."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        found = related.get(field.related_model, {}).get(value)
        if found is None:
            return _("#%(pk)s (deleted)") % {"pk": value}
        if isinstance(found, AbstractBaseUser):
            return getattr(found, "get_full_name", str)() or found.get_username()
        return str(found)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def history_rows(record, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The record's change history, newest first: when, who, and each field's old → new value.

    A fixed number of queries whatever the length of the history: one for the entries and their
    users, then one per kind of related record named in a changed foreign key."""
    entries = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [f for f in record.history.model.tracked_fields if f.editable and not f.primary_key]
    diffs, wanted = [], {}
    for newer, older in zip(entries, [*entries[1:], None], strict=True):
        changes = []
        if older is not None and newer.history_type == "~":
            for field in fields:
                old, new = getattr(older, field.attname), getattr(newer, field.attname)
                if old != new:
                    changes.append((field, old, new))
                    if field.is_relation:
                        wanted.setdefault(field.related_model, set()).update({old, new} - {None})
        diffs.append((newer, changes))
    related = {model: model._base_manager.in_bulk(ids) for model, ids in wanted.items()}
    rows = []
    for entry, changes in diffs[:limit]:
        user = entry.history_user
        rows.append(
            {
                "date": entry.history_date,
                "user": (user.get_full_name() or user.get_username()) if user else None,
                "action": HISTORY_TYPES.get(entry.history_type, entry.history_type),
                "reason": entry.history_change_reason,
                "changes": [
                    {
                        "name": field.name,
                        "field": field.verbose_name,
                        "old": display_value(field, old, related),
                        "new": display_value(field, new, related),
                    }
                    for field, old, new in changes
                ],
            }
        )
    return rows
