"""Bulk imports: natural keys, the forms' rules, all-or-nothing, errors by row and column;
exports that cannot run formulas."""

import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.exceptions import ImportError as ImportExportError
from import_export.formats import base_formats

from campuses.models import EnrollmentSnapshot
from campuses.resources import CampusResource, EnrollmentSnapshotResource
from kernel.admin_base import SafeCSV, SafeXLSX
from staff.models import CrossCampusActivity, Rotation, StaffMember
from staff.resources import CrossCampusActivityResource, RotationResource, StaffMemberResource
from tests.staff.factories import StaffMemberFactory

HEADERS = ("staff_number", "name", "gender", "subject", "home_campus", "on_campus_since")
GOOD_ROWS = [
    ("T1001", "张一", "F", "chinese", "hongqi", "2015-09-01"),
    ("T1002", "李二", "Male", "maths", "longxiang", "2018-09-01"),
    ("T1003", "王三", "M", "english", "taojiang", "2020-09-01"),
]
BAD_ROWS = [
    ("T1004", "赵四", "F", "chinese", "nowhere", "2016-09-01"),  # unknown campus code
    ("T1001", "钱五", "X", "maths", "hongqi", "2017-09-01"),  # repeats row 1's number; bad gender
]


def _sheet(rows, headers=HEADERS) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=headers)


def _imported_numbers():
    return set(
        StaffMember.objects.filter(staff_number__startswith="T1").values_list("staff_number", flat=True)
    )


def _errors_by_row(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("raise_errors", [False, True])
def test_staff_sheet_with_bad_rows_writes_nothing(plan, english, raise_errors):
    dataset = _sheet(GOOD_ROWS + BAD_ROWS)
    before = StaffMember.objects.count()
    if raise_errors:
        with pytest.raises(ImportExportError):
            StaffMemberResource().import_data(dataset, raise_errors=True)
    else:
        result = StaffMemberResource().import_data(dataset, raise_errors=False)
        assert result.has_validation_errors()
    assert StaffMember.objects.count() == before
    assert _imported_numbers() == set()


def test_staff_import_errors_name_rows_and_columns(plan, english):
    result = StaffMemberResource().import_data(_sheet(GOOD_ROWS + BAD_ROWS))
    errors = _errors_by_row(result)
    # import-export counts the rows under the header from 1.
    assert set(errors) == {4, 5}
    assert errors[4] == {"home_campus (home campus)": ["No campus has the code “nowhere”."]}
    assert set(errors[5]) == {"staff_number (staff number)", "gender"}
    assert errors[5]["staff_number (staff number)"] == [
        "Row 1 has the same staff_number (staff number): a record appears once in a sheet."
    ]
    assert errors[5]["gender"] == ["Value 'X' is not a valid choice."]


def test_staff_sheet_with_good_rows_is_imported(plan, campuses):
    result = StaffMemberResource().import_data(_sheet(GOOD_ROWS))
    assert not result.has_errors() and not result.has_validation_errors()
    members = {m.staff_number: m for m in StaffMember.objects.filter(staff_number__startswith="T1")}
    assert set(members) == {"T1001", "T1002", "T1003"}
    assert members["T1002"].gender == "M"  # a label ("Male", or 男 in Chinese) is read as its value
    assert members["T1003"].home_campus == campuses["taojiang"]
    assert members["T1001"].on_campus_since == datetime.date(2015, 9, 1)


def test_importing_the_same_sheet_twice_updates_instead_of_duplicating(plan):
    StaffMemberResource().import_data(_sheet(GOOD_ROWS))
    changed = [("T1001", "张一一", *GOOD_ROWS[0][2:]), *GOOD_ROWS[1:]]
    result = StaffMemberResource().import_data(_sheet(changed))
    assert result.totals["new"] == 0
    assert result.totals["update"] == 1 and result.totals["skip"] == 2
    assert StaffMember.objects.filter(staff_number__startswith="T1").count() == 3
    assert StaffMember.objects.get(staff_number="T1001").name == "张一一"


def test_staff_numbers_typed_as_numbers_in_excel_keep_their_text(plan):
    sheet = _sheet([(10001.0, "孙六", "F", "chinese", "hongqi", datetime.date(2019, 9, 1))])
    dataset = base_formats.XLSX().create_dataset(sheet.export("xlsx"))
    StaffMemberResource().import_data(dataset)
    assert StaffMember.objects.filter(staff_number="10001").exists()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_admin_import_page_reports_rows_and_columns_and_writes_nothing(plan, client_as, english, file_format):
    content = _sheet(GOOD_ROWS + BAD_ROWS).export(file_format)
    if isinstance(content, str):
        content = content.encode()
    upload = SimpleUploadedFile(f"staff.{file_format}", content)
    response = client_as("admin").post(
        reverse("admin:staff_staffmember_import"),
        {"resource": "0", "format": "0" if file_format == "xlsx" else "1", "import_file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [4, 5]
    assert "confirm_form" not in response.context  # nothing to confirm: the sheet is refused
    page = response.content.decode()
    assert "home_campus (home campus)" in page
    assert "No campus has the code “nowhere”." in page
    assert "staff_number (staff number)" in page
    assert _imported_numbers() == set()


def test_admin_import_of_good_sheet_writes_after_confirmation(plan, client_as):
    client = client_as("admin")
    upload = SimpleUploadedFile("staff.csv", _sheet(GOOD_ROWS).export("csv").encode())
    response = client.post(
        reverse("admin:staff_staffmember_import"), {"resource": "0", "format": "1", "import_file": upload}
    )
    assert _imported_numbers() == set()  # the first step is a dry run
    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:staff_staffmember_process_import"), confirm.initial)
    assert response.status_code == 302
    assert _imported_numbers() == {"T1001", "T1002", "T1003"}


def test_rotation_import_applies_the_model_rules(plan, english):
    StaffMemberResource().import_data(_sheet(GOOD_ROWS))
    headers = ("staff", "from_campus", "to_campus", "category", "start_on", "planned_end_on")
    rows = [
        ("T1001", "hongqi", "longxiang", "teacher", "2025-09-01", "2028-07-31"),
        ("T1002", "longxiang", "longxiang", "teacher", "2025-09-01", "2028-07-31"),
        ("T1003", "taojiang", "hongqi", "teacher", "2025-09-01", "2025-08-01"),
    ]
    result = RotationResource().import_data(tablib.Dataset(*rows, headers=headers))
    errors = _errors_by_row(result)
    assert set(errors) == {2, 3}
    assert any("different campuses" in message for message in errors[2]["to_campus (to campus)"])
    assert errors[3]["planned_end_on (planned end)"] == ["The planned end must come after the start."]
    assert not Rotation.objects.exists()


def test_enrollment_import_checks_that_class_sizes_add_up(plan, english):
    headers = ("campus", "school_year", "semester", "grade", "classes", "pupils", "class_sizes")
    rows = [
        ("hongqi", 2025, 1, 1, 2, 110, "52, 58"),
        ("hongqi", 2025, 1, 2, 2, 110, "[50, 50]"),
    ]
    result = EnrollmentSnapshotResource().import_data(tablib.Dataset(*rows, headers=headers))
    errors = _errors_by_row(result)
    assert errors == {
        2: {"class_sizes (pupils per class)": ["The class sizes add up to 100, not 110 pupils."]}
    }
    assert not EnrollmentSnapshot.objects.exists()

    EnrollmentSnapshotResource().import_data(tablib.Dataset(rows[0], headers=headers))
    assert EnrollmentSnapshot.objects.get().class_sizes == [52, 58]


def test_activity_import_reads_campus_codes_in_one_cell(plan, campuses, english):
    headers = ("title", "kind", "held_on", "host_campus", "campuses", "hours")
    rows = [
        ("联合教研", "joint_research", "2025-10-15", "hongqi", "hongqi，longxiang、taojiang", 2),
        ("送教", "teaching_visit", "2025-10-16", "hongqi", "hongqi, mars", 2),
    ]
    result = CrossCampusActivityResource().import_data(tablib.Dataset(*rows, headers=headers))
    assert _errors_by_row(result) == {
        2: {"campuses (campuses taking part)": ["No campus has the code “mars”."]}
    }
    assert not CrossCampusActivity.objects.exists()

    CrossCampusActivityResource().import_data(tablib.Dataset(rows[0], headers=headers))
    activity = CrossCampusActivity.objects.get()
    assert set(activity.campuses.all()) == set(campuses.values())


def test_campus_export_and_reimport_round_trip(plan):
    exported = CampusResource().export()
    result = CampusResource().import_data(exported)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_export_cells_cannot_run_formulas(plan, campuses, value):
    StaffMemberFactory(name=value, staff_number="F1", home_campus=campuses["hongqi"])
    dataset = StaffMemberResource().export(StaffMember.objects.filter(staff_number="F1"))
    assert dataset.dict[0]["Name"] == "'" + value


def test_export_formats_escape_formulas_and_keep_numbers(plan):
    dataset = tablib.Dataset(("=1+1", 3, None), headers=("a", "b", "c"))
    csv_text = SafeCSV().export_data(dataset)
    assert csv_text.splitlines()[1] == "'=1+1,3,"
    workbook = base_formats.XLSX().create_dataset(SafeXLSX().export_data(tablib.Dataset(("=1+1", 3))))
    assert workbook.headers == ["'=1+1", 3]


def test_a_big_sheet_looks_up_records_and_codes_once_each(plan, campuses, english):
    """The records a sheet updates come in one query (PortalInstanceLoader), each campus code is
    looked up once however many rows name it (CodeForeignKeyWidget's cache during an import)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    StaffMemberFactory(staff_number="T1000", name="旧名", home_campus=campuses["hongqi"])
    codes = ["hongqi", "longxiang", "taojiang"]
    rows = [(f"T{1000 + n}", f"教师{n}", "F", "maths", codes[n % 3], "2020-09-01") for n in range(40)]
    with CaptureQueriesContext(connection) as queries:
        result = StaffMemberResource().import_data(_sheet(rows))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 39 and result.totals["update"] == 1
    assert StaffMember.objects.get(staff_number="T1000").name == "教师0"
    sql = [q["sql"] for q in queries]
    campus_lookups = [
        q for q in sql if q.startswith("SELECT") and 'FROM "campuses_campus"' in q and '"code" =' in q
    ]
    assert len(campus_lookups) == 3
    staff_lookups = [q for q in sql if q.startswith("SELECT") and 'FROM "staff_staffmember"' in q]
    assert len([q for q in staff_lookups if '"staff_number" IN' in q]) == 1
    assert not [q for q in staff_lookups if 'WHERE "staff_staffmember"."staff_number" =' in q]


def test_codes_are_looked_up_again_at_the_next_import(plan, campuses, english):
    StaffMemberResource().import_data(_sheet([GOOD_ROWS[0]]))
    campus = campuses["hongqi"]
    campus.code = "hongqi-new"
    campus.save()
    result = StaffMemberResource().import_data(
        _sheet([("T1009", "周九", "F", "maths", "hongqi", "2020-09-01")])
    )
    assert _errors_by_row(result) == {1: {"home_campus (home campus)": ["No campus has the code “hongqi”."]}}


def test_a_refused_preview_writes_no_row_and_runs_no_constraint_query(plan, campuses, english):
    """The admin's preview (a dry run) of a sheet with a bad row validates every row without
    writing (StaffMemberResource.validate_first): no INSERT, no history row, no unique-constraint
    query per row; the bad row is named with its column, as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    StaffMemberFactory(staff_number="T1001", name="旧名", home_campus=campuses["hongqi"])
    rows = [*GOOD_ROWS, ("T1005", "孙五", "F", "maths", "nowhere", "2020-09-01"), *BAD_ROWS[1:]]
    with CaptureQueriesContext(connection) as queries:
        result = StaffMemberResource().import_data(_sheet(rows), dry_run=True)
    assert _errors_by_row(result) == {
        4: {"home_campus (home campus)": ["No campus has the code “nowhere”."]},
        5: {
            "staff_number (staff number)": [
                "Row 1 has the same staff_number (staff number): a record appears once in a sheet."
            ],
            "gender": ["Value 'X' is not a valid choice."],
        },
    }
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if q.startswith("INSERT")]
    assert not [q for q in sql if q.startswith("SELECT 1 AS") and "staff_number" in q]
    assert StaffMember.objects.get(staff_number="T1001").name == "旧名"
    assert _imported_numbers() == {"T1001"}


def test_a_good_preview_still_reports_new_and_updated_rows(plan, campuses):
    StaffMemberFactory(staff_number="T1001", name="旧名", home_campus=campuses["hongqi"])
    result = StaffMemberResource().import_data(_sheet(GOOD_ROWS), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2 and result.totals["update"] == 1
    assert _imported_numbers() == {"T1001"}
    assert all(row.diff for row in result.rows)  # the preview shows each row's values


def _refused_preview_queries(campuses, size: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    codes = ["hongqi", "longxiang", "taojiang"]
    rows = [(f"T{2000 + n}", f"教师{n}", "F", "maths", codes[n % 3], "2020-09-01") for n in range(size)]
    rows[size // 2] = (f"T{2000 + size // 2}", "坏行", "F", "maths", "nowhere", "2020-09-01")
    with CaptureQueriesContext(connection) as queries:
        result = StaffMemberResource().import_data(_sheet(rows), dry_run=True)
    assert [row.number for row in result.invalid_rows] == [size // 2 + 1]
    assert "home_campus (home campus)" in result.invalid_rows[0].error_dict
    return [q["sql"] for q in queries]


def test_a_refused_previews_queries_do_not_grow_with_its_rows(plan, campuses, english):
    """validate_first's pass asks the database nothing per row: no savepoint around each row
    (nothing to roll back), no query checking that the campus just read by its code exists."""
    small, big = _refused_preview_queries(campuses, 6), _refused_preview_queries(campuses, 60)
    assert len(big) == len(small)
    assert len([q for q in big if q.startswith("SAVEPOINT")]) == 1  # the pass's own transaction
    assert not [q for q in big if q.startswith("SELECT 1 AS") and "campuses_campus" in q]
