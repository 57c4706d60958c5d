"""What the API shows of each record: what the pages show, nothing more (no bank account, no
file paths). Read serializers are built by `read_serializer`; the writes have their own, which
parse input only: every rule of who may write what lives in the apps' services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campuses.models import Campus
from planning.models import Measure, SubTask
from sharing.models import BudgetLine
from staff.forms import rotation_target_campuses
from staff.models import Distinction, Rotation, StaffMember

#: The largest id a database column holds (a larger one is refused as input, never a 500).
MAX_ID = 2**63 - 1


def read_serializer(model, fields, name: str | None = None, **declared):
    """A ModelSerializer of `model` with `fields` (and declared extra fields), used for output
    only (the viewsets never save through it): its fields keep the model's blank and null, so
    that the schema documents the values really sent."""
    meta = type("Meta", (), {"model": model, "fields": tuple(fields)})
    return type(
        name or f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta, **declared}
    )


def name_of(source: str, label):
    return serializers.CharField(source=source, read_only=True, default="", label=label)


class DistinctionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Distinction
        fields = ("kind", "level", "awarded_on")
        read_only_fields = fields


# --- Writes ----------------------------------------------------------------------------------


class ScoreCellSerializer(serializers.Serializer):
    """One cell: the evaluator is the caller; `version` is the cell's version the caller read
    (0 or absent: a new cell)."""

    indicator = serializers.IntegerField(
        label=_("indicator"), min_value=1, max_value=MAX_ID, help_text=_("The indicator's id.")
    )
    evaluatee = serializers.IntegerField(
        label=_("evaluatee"), min_value=1, max_value=MAX_ID, help_text=_("The evaluatee's id.")
    )
    points = serializers.CharField(label=_("points"), help_text=_("Points, at most two decimals, e.g. 8.5."))
    version = serializers.IntegerField(
        label=_("version"),
        required=False,
        default=0,
        min_value=0,
        max_value=MAX_ID,
        help_text=_("The version of the cell you read; 0 for a new cell. A stale one gets 409."),
    )
    comment = serializers.CharField(label=_("comment"), required=False, allow_blank=True, allow_null=True)


class ScoresWriteSerializer(serializers.Serializer):
    scores = ScoreCellSerializer(many=True, allow_empty=False, max_length=500, label=_("scores"))


class ScoreSavedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField()
    evaluatee = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    version = serializers.IntegerField()
    comment = serializers.CharField()


class ScoresSavedSerializer(serializers.Serializer):
    scores = ScoreSavedSerializer(many=True)


class ProgressReportWriteSerializer(serializers.Serializer):
    measure = serializers.PrimaryKeyRelatedField(
        label=_("measure"),
        queryset=Measure.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The measure reported on (group leadership and the bureau); or give a sub-task."),
    )
    subtask = serializers.PrimaryKeyRelatedField(
        label=_("sub-task"), queryset=SubTask.objects.all(), required=False, allow_null=True
    )
    text = serializers.CharField(label=_("report"), max_length=10000)
    percent = serializers.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices through the door: a record out of scope is "does not exist", as a 404.
        request = self.context.get("request")
        if request is None:  # the schema's generator
            return
        user = request.user
        self.fields["measure"].queryset = Measure.objects.for_user(user)
        self.fields["subtask"].queryset = SubTask.objects.for_user(user)


class RotationProposeSerializer(serializers.Serializer):
    staff = serializers.PrimaryKeyRelatedField(label=_("staff member"), queryset=StaffMember.objects.all())
    to_campus = serializers.PrimaryKeyRelatedField(label=_("to campus"), queryset=Campus.objects.all())
    category = serializers.ChoiceField(
        label=_("category"), choices=Rotation._meta.get_field("category").choices
    )
    start_on = serializers.DateField(label=_("start"))
    planned_end_on = serializers.DateField(label=_("planned end"))
    reason = serializers.CharField(label=_("purpose"), required=False, allow_blank=True, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        user = request.user
        self.fields["staff"].queryset = StaffMember.objects.for_user(user)
        # The campuses of the user's schools and groups may receive (多向交流), as on the page's
        # form; the service checks the scope again.
        self.fields["to_campus"].queryset = rotation_target_campuses(user)


class RotationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("decision note"), required=False, allow_blank=True, max_length=5000)


class RotationStartSerializer(serializers.Serializer):
    move_start = serializers.BooleanField(
        label=_("start today"),
        required=False,
        default=False,
        help_text=_("Before the start date: move the start to today."),
    )


class RotationCompleteSerializer(serializers.Serializer):
    ended_on = serializers.DateField(label=_("ended on"), required=False, allow_null=True)


class SpendingWriteSerializer(serializers.Serializer):
    line = serializers.PrimaryKeyRelatedField(label=_("budget line"), queryset=BudgetLine.objects.all())
    campus = serializers.PrimaryKeyRelatedField(label=_("campus"), queryset=Campus.objects.all())
    spent_on = serializers.DateField(label=_("date"))
    amount = serializers.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2)
    purpose = serializers.CharField(label=_("purpose of the spending"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.context.get("request") is not None:
            user = self.context["request"].user
            self.fields["campus"].queryset = Campus.objects.for_user(user)
            self.fields["line"].queryset = BudgetLine.objects.for_user(user)
