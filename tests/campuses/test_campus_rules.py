import pytest
from django.core.exceptions import ValidationError

from campuses.models import Campus, EnrollmentSnapshot
from tests.campuses.factories import CampusFactory, EnrollmentSnapshotFactory


def test_one_core_campus_per_school(campuses):
    school = campuses["hongqi"].school
    extra = Campus(code="x", name="新校区", school=school, is_core=True)
    with pytest.raises(ValidationError) as exc:
        extra.full_clean()
    assert "A school has only one core campus." in str(exc.value)


@pytest.mark.parametrize(
    ("classes", "pupils", "sizes", "field"),
    [
        (2, 110, [52, 57, 1], "class_sizes"),  # three sizes for two classes
        (2, 110, [52, 57], "class_sizes"),  # adds up to 109
        (2, 110, [52, "x"], "class_sizes"),
        (0, 10, [], "classes"),
    ],
)
def test_enrollment_figures_must_add_up(db, classes, pupils, sizes, field):
    snapshot = EnrollmentSnapshotFactory.build(
        campus=CampusFactory(), classes=classes, pupils=pupils, class_sizes=sizes
    )
    with pytest.raises(ValidationError) as exc:
        snapshot.full_clean()
    assert field in exc.value.error_dict


def test_enrollment_unique_per_campus_term_grade(db):
    snapshot = EnrollmentSnapshotFactory(grade=3)
    duplicate = EnrollmentSnapshot(
        campus=snapshot.campus,
        school_year=snapshot.school_year,
        semester=snapshot.semester,
        grade=3,
        classes=1,
        pupils=50,
        class_sizes=[50],
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_grade_between_1_and_9(db):
    snapshot = EnrollmentSnapshotFactory.build(
        campus=CampusFactory(), grade=10, classes=1, pupils=40, class_sizes=[40]
    )
    with pytest.raises(ValidationError):
        snapshot.full_clean()


def test_credit_code_format(campuses):
    school = campuses["hongqi"].school
    school.credit_code = "123"
    with pytest.raises(ValidationError) as exc:
        school.full_clean()
    assert "credit_code" in exc.value.error_dict
    school.credit_code = "12360000MB1234567X"
    school.full_clean()
