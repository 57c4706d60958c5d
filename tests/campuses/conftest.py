"""Enrollment of the plan's three campuses, for the page tests of the campuses app."""

import pytest

from tests.campuses.factories import EnrollmentSnapshotFactory


@pytest.fixture
def enrollment(campuses):
    """红旗 [52, 58, 67] (grade 1), 龙翔 [44, 46] (grade 1), 桃江 [40] (grade 1), autumn 2025;
    红旗 also has last year's grade 1."""
    snapshots = {}
    for code, sizes in (("hongqi", [52, 58, 67]), ("longxiang", [44, 46]), ("taojiang", [40])):
        snapshots[code] = EnrollmentSnapshotFactory(
            campus=campuses[code], grade=1, classes=len(sizes), pupils=sum(sizes), class_sizes=sizes
        )
    EnrollmentSnapshotFactory(
        campus=campuses["hongqi"], school_year=2024, grade=1, classes=2, pupils=100, class_sizes=[50, 50]
    )
    return snapshots
