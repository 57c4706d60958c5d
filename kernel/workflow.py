"""Approval workflows: a table of steps declared once per model, one function that takes a
step, one view helper that runs it.

Each workflow (rotations, documents, expansion applications, appeals, spending reallocations,
asset transfers) declares a `Workflow`: its steps, each with the statuses it leaves, the status
it reaches, who may take it and what a refused user is told. The services take a step with
`Workflow.take` (check the role, lock the row so that two deciders never both win, check the
status it leaves) and then do their own work (move money, create a group, record who decided);
`Workflow.move` sets the status the step reaches. Record pages offer the steps
`Workflow.available` returns, so a button is never shown that the service would refuse; the
views run a step through `step_view`. The history of each change (who, when, from, to) is kept
by django-simple-history on the saved row.

Why a table of our own rather than django-fsm-2: django-fsm-2 guards transitions declared as
model methods on an `FSMField`; its `protected` fields refuse `refresh_from_db` and the admin's
and import-export's writes, and moving six status fields to it needs schema migrations, while
the rules these workflows need beyond the status (who may act depends on the user and on the
record — the proposer may withdraw, the receiving campus receives — and a step may be offered
only on one side of a date) are arguments to its `permission`/`conditions` anyway. Thirty lines
of table keep plain `CharField` statuses, ordinary saves that simple-history records, the admin
as it is, and the rules beside the services that apply them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    """One transition: from any of `sources` to `target`, for users `allowed(user, record)`."""

    name: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[Any, Model], bool]
    #: The 403's sentence for a user whose role may not take the step.
    refused: str
    label: str = ""
    #: The sentence when the record's status is not one of `sources` (the workflow's otherwise);
    #: it may name %(status)s (the record's) and %(target)s.
    wrong_status: str | None = None
    #: Beyond the status, when the step is offered on the record's page (e.g. a date reached);
    #: called with the record and the keyword arguments given to `Workflow.available`.
    when: Callable[..., bool] | None = None


class Workflow:
    """The steps of one model's status field, in the order its page shows them."""

    def __init__(
        self,
        model: type[Model],
        steps: Iterable[Step],
        *,
        wrong_status: str,
        field: str = "status",
        error_field: str | None = "status",
        scoped: bool = False,
    ):
        self.model = model
        self.steps = {step.name: step for step in steps}
        self.field = field
        self.wrong_status = wrong_status
        #: The form field a wrong-status error is reported on (None: the whole form).
        self.error_field = error_field
        #: Check that the record is in the user's scope before taking a step (PermissionDenied).
        self.scoped = scoped

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def status_label(self, record: Model, value: str | None = None) -> str:
        field = record._meta.get_field(self.field)
        value = getattr(record, self.field) if value is None else value
        return str(dict(field.flatchoices).get(value, value))

    def allows(self, user, record: Model, name: str) -> bool:
        """Whether the user's role (and relation to the record) lets them take the step."""
        return bool(self.steps[name].allowed(user, record))

    def available(self, user, record: Model, **context) -> list[Step]:
        """The steps the user may take on the record now: the page's buttons."""
        status = getattr(record, self.field)
        return [
            step
            for step in self.steps.values()
            if status in step.sources
            and step.allowed(user, record)
            and (step.when is None or step.when(record, **context))
        ]

    def take(self, user, record: Model, name: str) -> Model:
        """Check the step for the user, lock the row and check the status it leaves; returns the
        locked row, its status not yet changed (the service changes it with `move`)."""
        step = self.steps[name]
        if not step.allowed(user, record):
            raise PermissionDenied(step.refused)
        manager = self.model._default_manager
        if self.scoped and not manager.for_user(user).filter(pk=record.pk).exists():
            raise PermissionDenied(_("This campus is outside your responsibility."))
        locked = manager.select_for_update(of=("self",)).get(pk=record.pk)
        if getattr(locked, self.field) not in step.sources:
            message = (step.wrong_status or self.wrong_status) % {
                "status": self.status_label(locked),
                "target": self.status_label(locked, step.target),
            }
            raise ValidationError({self.error_field: message} if self.error_field else message)
        return locked

    def move(self, record: Model, name: str, **fields) -> list[str]:
        """Set the status the step reaches and `fields`; returns the names to save."""
        setattr(record, self.field, self.steps[name].target)
        for attribute, value in fields.items():
            setattr(record, attribute, value)
        return [self.field, *fields]


def form_error(form) -> ValidationError:
    """A bound form's errors as one ValidationError of "label: message" sentences."""
    sentences = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        sentences.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return ValidationError(sentences)


def errors_to_messages(request, exc: ValidationError) -> None:
    """A service's refusal, one message per sentence on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def step_view(
    request,
    queryset: QuerySet,
    pk,
    action: Callable[[Model], Any],
    done_message: str,
    *,
    redirect_to: Callable[[Model], str] | None = None,
):
    """Run one workflow step on a record of `queryset` (the user's scope: else 404). A refused
    role is a 403 (the service's PermissionDenied); a broken rule is a message on the record's
    page, where the user is sent back (`redirect_to`, else the record's `get_absolute_url`)."""
    record = get_object_or_404(queryset, pk=pk)
    try:
        action(record)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, done_message)
    return redirect(redirect_to(record) if redirect_to else record.get_absolute_url())
