"""The staff list's rows, written from the page's records (staff/_staff_table.html): the same
cells as the table's columns give the export, in the header's order, for every page and ordering;
the campus filter's <select> is rendered in Python and keeps Django's markup."""

import pytest
from django.urls import reverse
from django.utils import translation

from staff.models import Distinction, PostType, ProfessionalTitle, Subject
from staff.tables import StaffTable
from tests.campuses.factories import CampusFactory
from tests.staff.factories import DistinctionFactory, StaffMemberFactory
from tests.table_html import table_cells

LIST = reverse("staff:member_list")


@pytest.fixture
def staff(campuses):
    lx = campuses["longxiang"]
    people = {
        "maths": StaffMemberFactory(name="数学甲", subject=Subject.MATHS, home_campus=lx),
        "senior": StaffMemberFactory(
            name="高级乙", professional_title=ProfessionalTitle.SENIOR, home_campus=lx
        ),
        "manager": StaffMemberFactory(name="管理丙", post_type=PostType.MANAGEMENT, home_campus=lx),
        "retired": StaffMemberFactory(name="离岗丁", is_active=False, home_campus=lx),
        "no_number": StaffMemberFactory(
            name="<i>无号</i>", staff_number="", subject=Subject.NONE, home_campus=lx
        ),
        "bureau": StaffMemberFactory(name="局机关庚", home_campus=None),
    }
    honoured = StaffMemberFactory(name="带头人戊", home_campus=campuses["hongqi"])
    DistinctionFactory(
        staff=honoured, kind=Distinction.Kind.SUBJECT_LEADER, level=Distinction.Level.MUNICIPAL
    )
    DistinctionFactory(staff=honoured, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.COUNTY)
    people["honoured"] = honoured
    StaffMemberFactory.create_batch(30, home_campus=campuses["taojiang"])
    return people


def export_rows(table):
    """The table's export values as the page prints them: "—" for empty, badges separated by
    spaces, ✔/✘ for in post."""
    with translation.override("zh-hans"):
        rows = list(table.as_values())
        yes = str(translation.gettext("Yes"))
    printed = []
    for row in rows[1:]:
        cells = ["—" if value in (None, "") else str(value) for value in row[:6]]
        cells.append(" ".join(row[6].split("、")) if row[6] else "")
        cells.append("✔" if row[7] == yes else "✘")
        printed.append(cells)
    return rows[0], printed


@pytest.mark.parametrize(
    "query", ["", "?page=2", "?sort=-home_campus", "?sort=staff_number", "?is_active=false", "?q=无号"]
)
def test_staff_rows_show_the_export_values(staff, client_as, query):
    response = client_as("bureau").get(LIST + query)
    header, rows = table_cells(response.content.decode())
    export_header, export = export_rows(response.context["table"])
    assert header == export_header
    assert rows
    page = response.context["table"].page
    assert rows == export[page.start_index() - 1 : page.end_index()]


def test_staff_cells_carry_links_badges_and_escaped_names(staff, client_as):
    client = client_as("bureau")
    html = client.get(LIST, {"q": "无号"}).content.decode()
    link = reverse("staff:member_detail", args=[staff["no_number"].pk])
    assert f'<a href="{link}">&lt;i&gt;无号&lt;/i&gt;</a>' in html
    html = client.get(LIST, {"q": "带头人"}).content.decode()
    # Prefetched by kind then level (the view's order): backbone before subject leader.
    assert (
        '<td><span class="badge text-bg-light border badge-distinction">县级骨干教师</span> '
        '<span class="badge text-bg-light border badge-distinction">市级学科带头人</span></td>'
    ) in html
    html = client.get(LIST, {"sort": "is_active"}).content.decode()
    assert '<td><span class="false">✘</span></td>' in html and '<td><span class="true">✔</span></td>' in html
    _, rows = table_cells(client.get(LIST, {"q": "局机关"}).content.decode())
    assert rows[0][0] == "局机关庚" and rows[0][2] == "—"  # no home campus


def test_no_match_keeps_the_empty_text(staff, client_as):
    html = client_as("bureau").get(LIST, {"q": "没有这个人"}).content.decode()
    header, rows = table_cells(html)
    with translation.override("zh-hans"):
        assert rows == [[str(StaffTable._meta.empty_text)]]
    assert f'<td colspan="{len(header)}">' in html


def test_campus_filter_marks_the_chosen_campus_and_escapes_names(campuses, client_as):
    odd = CampusFactory(name="<b>x</b>", school=campuses["hongqi"].school)
    html = client_as("bureau").get(LIST, {"home_campus": odd.pk}).content.decode()
    select = html[
        html.index('<select name="home_campus"') : html.index("</select>", html.index('name="home_campus"'))
    ]
    assert select.startswith('<select name="home_campus" class="form-select" id="id_home_campus">')
    assert f'<option value="{odd.pk}" selected>&lt;b&gt;x&lt;/b&gt;</option>' in select
    assert '<option value="">---------</option>' in select
    assert select.count(" selected") == 1
    assert "<b>x</b>" not in html


def test_unfiltered_campus_select_selects_the_empty_choice(campuses, client_as):
    html = client_as("bureau").get(LIST).content.decode()
    start = '<select name="home_campus" class="form-select" id="id_home_campus">'
    assert f'{start}\n  <option value="" selected>---------</option>' in html


def test_table_template_extends_the_configured_base(settings):
    from django.template.loader import get_template

    source = get_template(StaffTable._meta.template_name).template.source
    assert source.startswith(f'{{% extends "{settings.DJANGO_TABLES2_TEMPLATE}" %}}')


@pytest.mark.parametrize("extra", [0, 60])
def test_list_with_filters_and_pages_keeps_its_queries(
    staff, campuses, client_as, django_assert_max_num_queries, extra
):
    for person in StaffMemberFactory.create_batch(extra, home_campus=campuses["longxiang"]):
        DistinctionFactory(staff=person, kind=Distinction.Kind.BACKBONE)
    for _ in range(extra // 10):
        CampusFactory(school=campuses["hongqi"].school)
    client = client_as("bureau")
    query = {"home_campus": campuses["longxiang"].pk, "page": 2 if extra else 1}
    with django_assert_max_num_queries(10):
        assert client.get(LIST, query).status_code == 200


def test_per_page_in_the_url_is_capped(staff, client_as, monkeypatch):
    """`?per_page=` cannot make a list page show every row at once (37 staff here)."""
    monkeypatch.setattr("kernel.generic.MAX_PAGE_SIZE", 10)
    client = client_as("bureau")
    body = client.get(LIST + "?per_page=100000").content.decode()
    assert len(table_cells(body)[1]) == 10
    assert len(table_cells(client.get(LIST + "?per_page=5").content.decode())[1]) == 5
