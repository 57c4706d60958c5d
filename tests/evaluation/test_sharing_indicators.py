"""The 优质资源共享 indicators the assessment computes from shared resources, asset transfers
and cross-campus activities (sharing.selectors.sharing_figures_by_campus → evaluation.compute)."""

from decimal import Decimal

import pytest

from campuses.models import EducationGroup
from evaluation.models import Indicator, Scheme, TargetKind
from evaluation.selectors import run_cells
from evaluation.services import evaluatees_sync, results_compute_now
from sharing import services
from staff.selectors import staff_figures
from tests.evaluation.factories import IndicatorFactory, SchemeFactory
from tests.sharing.conftest import make_asset, make_resource
from tests.staff.factories import CrossCampusActivityFactory, StaffMemberFactory

YEAR = 2026
C = Indicator.Computation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sharing_year(campuses, vp_hongqi, vp_longxiang, vp_taojiang, principal):
    """In 2026: a 红旗 resource downloaded at 红旗 once, at 龙翔 once and at 桃江 twice; one
    asset moved 红旗 → 桃江; two 红旗 teachers and one 桃江 teacher in a cross-campus activity.
    A use in 2025 and a transfer still in progress must not count."""
    resource = make_resource(campuses["hongqi"])
    for user in (vp_hongqi, vp_longxiang, vp_taojiang, vp_taojiang):
        services.resource_use_record(user=user, resource=resource, kind="download")
    old = services.resource_use_record(user=vp_longxiang, resource=resource, kind="use")
    type(old).objects.filter(pk=old.pk).update(at=old.at.replace(year=2025))
    moved = make_asset(campuses["hongqi"], value=Decimal("3000.00"))
    transfer = services.asset_transfer_request(user=vp_hongqi, asset=moved, to_campus=campuses["taojiang"], reason="x")
    services.asset_transfer_approve(user=principal, transfer=transfer)
    services.asset_transfer_receive(user=vp_taojiang, transfer=transfer)
    pending = make_asset(campuses["longxiang"], value=Decimal("100.00"), code="A-PENDING")
    services.asset_transfer_request(user=vp_longxiang, asset=pending, to_campus=campuses["taojiang"], reason="y")
    hongqi = [StaffMemberFactory(home_campus=campuses["hongqi"]) for _ in range(2)]
    taojiang = StaffMemberFactory(home_campus=campuses["taojiang"])
    activity = CrossCampusActivityFactory(host_campus=campuses["hongqi"], held_on=f"{YEAR}-04-01")
    activity.participants.set([*hongqi, taojiang])
    return campuses


def _scheme(target_kind, group=None):
    scheme = SchemeFactory(name=f"共享 {target_kind}", year=YEAR, target_kind=target_kind, group=group)
    area = IndicatorFactory(scheme=scheme, code="3", name="优质资源共享", max_points=Decimal("30"))
    for code, computation, target in (
        ("3.4", C.RESOURCE_SHARING, "30"),
        ("3.5", C.ASSET_TRANSFERS, "2"),
        ("3.6", C.ACTIVITIES_PER_TEACHER, "1"),
    ):
        IndicatorFactory(
            scheme=scheme,
            parent=area,
            code=code,
            max_points=Decimal("10"),
            kind=Indicator.Kind.COMPUTED,
            computation=computation,
            target_value=Decimal(target),
        )
    evaluatees_sync(scheme=scheme)
    scheme.status = Scheme.Status.OPEN
    scheme.save()
    return scheme


def _cells(scheme, evaluatee_code):
    run = results_compute_now(scheme=scheme)
    codes = dict(Indicator.objects.filter(scheme=scheme).values_list("pk", "code"))
    return {codes[cell.indicator_id]: cell for cell in run_cells(run, evaluatee__code=evaluatee_code)}


def test_campus_assessment_credits_each_campus_with_its_own_sharing(sharing_year):
    group = EducationGroup.objects.get(schools__campuses__code="hongqi")
    scheme = _scheme(TargetKind.CAMPUSES, group)
    figures = staff_figures(campus_ids={c.pk for c in sharing_year.values()})
    teachers = {code: figures[sharing_year[code].pk].teachers for code in ("hongqi", "taojiang")}

    hongqi = _cells(scheme, "hongqi")
    # 3 of the 4 uses of 红旗's resource in 2026 were at another campus: 75 % ≥ 30 % target.
    assert hongqi["3.4"].points == Decimal("10.0000")
    assert "3 of 4" in hongqi["3.4"].derivation
    # 红旗 received nothing.
    assert hongqi["3.5"].points == 0
    # 2 participations of 红旗's teachers, target 1 per teacher.
    expected = min(Decimal(1), Decimal(2) / teachers["hongqi"]) * 10
    assert hongqi["3.6"].points == expected.quantize(Decimal("0.0001"))
    assert f"2 participations of {teachers['hongqi']} teachers" in hongqi["3.6"].derivation

    taojiang = _cells(scheme, "taojiang")
    # 桃江 shared no resource of its own: no uses, 0 points; one received transfer of target 2.
    assert taojiang["3.4"].points == 0
    assert taojiang["3.5"].points == Decimal("5.0000")
    assert "1 assets received" in taojiang["3.5"].derivation


def test_school_assessment_sums_its_campuses(sharing_year):
    scheme = _scheme(TargetKind.SCHOOLS)
    school = sharing_year["hongqi"].school
    cells = _cells(scheme, school.code)
    assert cells["3.4"].points == Decimal("10.0000")
    assert cells["3.5"].points == Decimal("5.0000")
    assert "3 participations" in cells["3.6"].derivation
