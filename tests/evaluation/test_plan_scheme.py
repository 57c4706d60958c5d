"""The plan's default scheme, loaded with the plan's data."""

from evaluation.models import Indicator, Scheme
from groupschool.plan_data import plan_data_load

AREAS = ["党的建设", "内部治理和运行", "优质资源共享", "教师队伍建设", "教学质量提升", "素质教育发展"]


def test_default_scheme_has_the_six_areas_of_the_plan_with_editable_indicators(db):
    plan_data_load()
    scheme = Scheme.objects.get()
    tops = Indicator.objects.filter(scheme=scheme, parent__isnull=True).order_by("order")
    assert [t.name for t in tops] == AREAS
    assert all(t.children.exists() for t in tops)
    assert sum(t.max_points for t in tops) == 100
    for top in tops:
        assert sum(c.max_points for c in top.children.all()) == top.max_points
    computed = set(Indicator.objects.filter(kind="computed").values_list("computation", flat=True))
    assert {"rotation_ratio", "big_class_share", "balance_cv"} <= computed


def test_loading_twice_adds_nothing_and_keeps_edits(db):
    first = plan_data_load()
    assert first["indicators"] > 6
    Indicator.objects.filter(code="1.1").update(max_points=6)
    second = plan_data_load()
    assert second.get("indicators", 0) == 0 and second.get("assessment schemes", 0) == 0
    assert Indicator.objects.get(code="1.1").max_points == 6
