"""Import/export of groups, schools, campuses and enrollment, keyed by codes.

A sheet can be written by hand: relations are given by the related record's code (a campus's
school by the school's code), rows are matched by code (or by campus, year, term and grade for
enrollment), so importing the same sheet twice updates rather than duplicates.
"""

from __future__ import annotations

from import_export.fields import Field

from kernel.admin_base import IntListWidget, PortalResource, natural_key_field

from .models import Campus, EducationGroup, EnrollmentSnapshot, PeerCategory, School


class PeerCategoryResource(PortalResource):
    class Meta:
        model = PeerCategory
        import_id_fields = ("code",)
        fields = ("code", "name", "stage", "description")


class EducationGroupResource(PortalResource):
    core_school = natural_key_field(School, attribute="core_school")

    class Meta:
        model = EducationGroup
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "core_school",
            "founded_on",
            "governance_mode",
            "charter_status",
            "description",
        )


class SchoolResource(PortalResource):
    group = natural_key_field(EducationGroup, attribute="group")
    peer_category = natural_key_field(PeerCategory, attribute="peer_category")

    class Meta:
        model = School
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "group",
            "legal_representative",
            "credit_code",
            "bank_name",
            "bank_account",
            "stage",
            "peer_category",
            "district",
        )


class CampusResource(PortalResource):
    school = natural_key_field(School, attribute="school")
    # The staff member is reached through the campus's own relation (staff sits above campuses).
    executive_vice_principal = natural_key_field(
        Campus._meta.get_field("executive_vice_principal").related_model,
        "staff_number",
        attribute="executive_vice_principal",
    )

    class Meta:
        model = Campus
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "school",
            "address",
            "opened_on",
            "is_core",
            "executive_vice_principal",
            "planned_capacity",
        )


class EnrollmentSnapshotResource(PortalResource):
    campus = natural_key_field(Campus, attribute="campus")
    class_sizes = Field(attribute="class_sizes", column_name="class_sizes", widget=IntListWidget())

    class Meta:
        model = EnrollmentSnapshot
        import_id_fields = ("campus", "school_year", "semester", "grade")
        fields = ("campus", "school_year", "semester", "grade", "classes", "pupils", "class_sizes")
