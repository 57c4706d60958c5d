"""The plan's sections 三 and 四 as loaded match the seed document, line by line.

The expected values are read from the plan's text itself (not from the fixture), so a typo in
fixtures/plan_measures.json — a leader, a unit, a word of a measure — fails here."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from groupschool.plan_data import plan_data_load
from planning.models import Document, Measure, Milestone, Phase

#: The plan's text, kept in the repository beside the data loaded from it.
SEED = Path(settings.BASE_DIR) / "fixtures" / "longshi-group-plan.zh.txt"
CHINESE_NUMBERS = "一二三四"


def plan_text() -> str:
    return SEED.read_text(encoding="utf-8")


def measures_in_plan() -> dict[str, dict]:
    """code → {section, title, text, leaders, units}, parsed from section 三 of the plan."""
    text = plan_text()
    section = text[text.index("三、工作举措") : text.index("四、工作步骤")]
    found, heading = {}, None
    for line in (line.strip() for line in section.splitlines()):
        if re.match(r"^（[一二三]）", line):
            heading = line
            continue
        match = re.match(r"^(\d)\.(.+)【责任领导：(.+)，责任单位：(.+)】$", line)
        if match:
            code = f"三({heading[1]}){match.group(1)}"
            found[code] = {
                "section": heading,
                "title": match.group(2).split("。")[0],
                "text": match.group(2),
                "leaders": match.group(3).split("、"),
                "units": match.group(4).split("、"),
            }
    return found


@pytest.fixture
def loaded(db):
    plan_data_load()


def test_every_measure_of_section_three_is_loaded(loaded):
    expected = measures_in_plan()
    assert set(expected) == {"三(一)1", "三(一)2", "三(二)1", "三(二)2", "三(三)1", "三(三)2"}
    assert set(Measure.objects.values_list("code", flat=True)) == set(expected)


@pytest.mark.parametrize("code", ["三(一)1", "三(一)2", "三(二)1", "三(二)2", "三(三)1", "三(三)2"])
def test_measure_matches_the_plan_with_its_leaders_and_units_in_order(loaded, code):
    expected = measures_in_plan()[code]
    measure = Measure.objects.with_people().get(code=code)
    assert measure.section == expected["section"]
    assert measure.title == expected["title"]
    assert measure.text == expected["text"]
    assert measure.leader_names == expected["leaders"]
    assert measure.unit_names == expected["units"]


def test_party_leadership_measure_names_guo_lanying_liao_xianping(loaded):
    measure = Measure.objects.with_people().get(code="三(一)1")
    assert measure.title == "全面加强党的领导"
    assert measure.leader_names == ["郭兰英", "廖显平"]
    assert measure.unit_names == ["党政办", "人事股", "龙师附小"]


def test_leaders_are_the_plans_people_not_duplicates(loaded):
    from staff.models import StaffMember

    for name in ("郭兰英", "曹荣华", "赖祥飞", "陈乐文", "廖显平"):
        assert StaffMember.objects.filter(name=name).count() == 1


def test_four_phases_with_the_plans_months_and_text(loaded):
    text = plan_text()
    phases = list(Phase.objects.order_by("order"))
    assert [(p.name, p.plan_period) for p in phases] == [
        ("建章立制", "2023年9月前"),
        ("精准推进", "2023年10月"),
        ("调研评估", "2024年5月"),
        ("总结推广", "2024年8月"),
    ]
    for number, phase in zip(CHINESE_NUMBERS, phases, strict=True):
        assert f"（{number}）{phase.name}（{phase.plan_period}）" in text
        assert phase.description in text
    # Each phase falls in the month the plan names; 建章立制 ends by September 2023.
    assert phases[0].end_on <= datetime.date(2023, 9, 30)
    assert (phases[1].start_on.year, phases[1].start_on.month) == (2023, 10)
    assert (phases[2].start_on.year, phases[2].start_on.month) == (2024, 5)
    assert (phases[3].start_on.year, phases[3].start_on.month) == (2024, 8)
    for earlier, later in zip(phases, phases[1:], strict=False):
        assert earlier.end_on < later.start_on


def test_campus_openings_are_milestones(loaded):
    text = plan_text()
    openings = {m.campus.code: m for m in Milestone.objects.select_related("campus")}
    assert openings["longxiang"].date.year == 2023
    assert openings["taojiang"].date.year == 2024
    for milestone in openings.values():
        assert milestone.plan_wording in text


def test_required_documents_of_the_first_phase(loaded):
    text = plan_text()
    documents = Document.objects.filter(required=True, phase__name="建章立制")
    titles = set(documents.values_list("title", flat=True))
    assert titles == {
        "集团办学章程",
        "三年发展规划",
        "年度工作计划",
        "教师培训交流规章制度",
        "教学管理规章制度",
        "质量考核规章制度",
    }
    for words in ("办学章程", "三年发展规划", "年度工作计划", "教师培训交流", "教学管理", "质量考核"):
        assert words in text
    phase = Phase.objects.get(name="建章立制")
    assert all(d.due_on == phase.end_on and d.status == Document.DocStatus.DRAFT for d in documents)


def test_loading_twice_adds_nothing_and_keeps_the_bureaus_dates(loaded):
    Measure.objects.filter(code="三(二)1").update(due_on=datetime.date(2024, 6, 30))
    counts = plan_data_load()
    assert not any(counts.get(kind) for kind in ("phases", "milestones", "measures", "documents"))
    assert Measure.objects.count() == 6
    assert Measure.objects.get(code="三(二)1").due_on == datetime.date(2024, 6, 30)
