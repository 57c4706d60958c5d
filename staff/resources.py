"""Import/export of people and how they are organised, keyed by natural keys.

People are matched by staff number, campuses by code, units by code, studios and leading groups
by name; a row that repeats another row's key is refused (it would overwrite it silently).
"""

from __future__ import annotations

from campuses.models import Campus, EducationGroup, School
from kernel.admin_base import PortalResource, natural_key_field

from .models import (
    CrossCampusActivity,
    Distinction,
    LeadershipPost,
    LeadingGroup,
    LeadingGroupMembership,
    Mentorship,
    ResearchProject,
    ResponsibilityAssignment,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
    StudioMembership,
    Unit,
)


def _staff(attribute: str):
    return natural_key_field(StaffMember, "staff_number", attribute=attribute)


def _campus(attribute: str):
    return natural_key_field(Campus, attribute=attribute)


def _group(attribute: str = "group"):
    return natural_key_field(EducationGroup, attribute=attribute)


class UnitResource(PortalResource):
    school = natural_key_field(School, attribute="school")

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "kind", "school")


class StaffMemberResource(PortalResource):
    home_campus = _campus("home_campus")
    unit = natural_key_field(Unit, attribute="unit")
    validate_first = True  # sheets of thousands of people; no row refers to another

    class Meta:
        model = StaffMember
        import_id_fields = ("staff_number",)
        fields = (
            "staff_number",
            "name",
            "gender",
            "subject",
            "professional_title",
            "post_type",
            "position",
            "home_campus",
            "unit",
            "on_campus_since",
            "is_active",
        )


class DistinctionResource(PortalResource):
    staff = _staff("staff")

    class Meta:
        model = Distinction
        import_id_fields = ("staff", "kind", "level")
        fields = ("staff", "kind", "level", "awarded_on")


class LeadingGroupResource(PortalResource):
    group = _group()
    office_director = _staff("office_director")

    class Meta:
        model = LeadingGroup
        import_id_fields = ("name",)
        fields = ("name", "group", "office_location", "office_director", "office_duties")


class LeadingGroupMembershipResource(PortalResource):
    leading_group = natural_key_field(LeadingGroup, "name", attribute="leading_group")
    person = _staff("person")

    class Meta:
        model = LeadingGroupMembership
        import_id_fields = ("leading_group", "person")
        fields = ("leading_group", "person", "role", "order")


class LeadershipPostResource(PortalResource):
    group = _group()
    person = _staff("person")

    class Meta:
        model = LeadershipPost
        import_id_fields = ("group", "post", "person")
        fields = ("group", "post", "person", "since")


class ResponsibilityAssignmentResource(PortalResource):
    group = _group()
    campus = _campus("campus")
    person = _staff("person")

    class Meta:
        model = ResponsibilityAssignment
        import_id_fields = ("group", "area", "campus")
        fields = ("group", "area", "campus", "person")


class RotationResource(PortalResource):
    staff = _staff("staff")
    from_campus = _campus("from_campus")
    to_campus = _campus("to_campus")

    class Meta:
        model = Rotation
        import_id_fields = ("staff", "from_campus", "to_campus", "start_on")
        fields = (
            "staff",
            "from_campus",
            "to_campus",
            "category",
            "start_on",
            "planned_end_on",
            "ended_on",
            "status",
            "reason",
            "decision_note",
        )


class MentorshipResource(PortalResource):
    mentor = _staff("mentor")
    mentee = _staff("mentee")
    campus = _campus("campus")

    class Meta:
        model = Mentorship
        import_id_fields = ("mentor", "mentee", "start_on")
        fields = ("mentor", "mentee", "campus", "start_on", "end_on", "goals", "outcome", "status")


class StudioResource(PortalResource):
    leader = _staff("leader")
    campus = _campus("campus")

    class Meta:
        model = Studio
        import_id_fields = ("name",)
        fields = ("name", "leader", "campus", "subject", "level", "founded_on", "description")


class StudioMembershipResource(PortalResource):
    studio = natural_key_field(Studio, "name", attribute="studio")
    member = _staff("member")

    class Meta:
        model = StudioMembership
        import_id_fields = ("studio", "member")
        fields = ("studio", "member", "joined_on", "left_on")


class ResearchProjectResource(PortalResource):
    studio = natural_key_field(Studio, "name", attribute="studio")
    leader = _staff("leader")
    campus = _campus("campus")
    members = natural_key_field(StaffMember, "staff_number", attribute="members", many=True)

    class Meta:
        model = ResearchProject
        import_id_fields = ("title", "campus")
        fields = (
            "title",
            "code",
            "studio",
            "leader",
            "campus",
            "level",
            "start_on",
            "end_on",
            "status",
            "members",
        )


class CrossCampusActivityResource(PortalResource):
    host_campus = _campus("host_campus")
    campuses = natural_key_field(Campus, attribute="campuses", many=True)
    participants = natural_key_field(StaffMember, "staff_number", attribute="participants", many=True)

    class Meta:
        model = CrossCampusActivity
        import_id_fields = ("title", "held_on", "host_campus")
        fields = ("title", "kind", "held_on", "host_campus", "campuses", "participants", "hours", "summary")


class StaffingQuotaResource(PortalResource):
    campus = _campus("campus")

    class Meta:
        model = StaffingQuota
        import_id_fields = ("campus", "year")
        fields = (
            "campus",
            "year",
            "establishment_authorised",
            "establishment_filled",
            "posts_authorised",
            "posts_filled",
        )
