"""The computed 优质资源共享 indicators (sharing.selectors.sharing_indicators) and their page."""

from decimal import Decimal

from django.urls import reverse

from campuses.models import Campus
from sharing import services
from sharing.selectors import sharing_indicators
from tests.staff.factories import CrossCampusActivityFactory, StaffMemberFactory

from .conftest import YEAR, make_asset, make_resource, make_spending


def by_code(indicators):
    return {indicator.code: indicator for indicator in indicators}


def test_indicators_are_computed_with_their_derivation(
    campuses,
    budget,
    public_line,
    vp_hongqi,
    vp_longxiang,
    vp_taojiang,
    principal,
    django_assert_max_num_queries,
):
    resource = make_resource(campuses["hongqi"])
    make_resource(campuses["taojiang"])
    for user in (vp_hongqi, vp_longxiang, vp_taojiang, vp_taojiang):
        services.resource_use_record(user=user, resource=resource, kind="download")
    asset = make_asset(campuses["hongqi"], value=Decimal("3000.00"))
    transfer = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["taojiang"], reason="x"
    )
    services.asset_transfer_approve(user=principal, transfer=transfer)
    services.asset_transfer_receive(user=vp_taojiang, transfer=transfer)
    make_spending(campuses["hongqi"], public_line, "25000.00")
    teachers = [
        StaffMemberFactory(home_campus=campuses[code])
        for code in ("hongqi", "longxiang", "taojiang", "taojiang")
    ]
    activity = CrossCampusActivityFactory(host_campus=campuses["hongqi"], held_on=f"{YEAR}-04-01")
    activity.participants.set(teachers[:2])

    with django_assert_max_num_queries(10):
        indicators = by_code(sharing_indicators(campuses=Campus.objects.all(), year=YEAR))
    share = indicators["resource_cross_campus_use_share"]
    assert share.value == Decimal("75.0")
    assert "3 of 4" in share.derivation
    assert indicators["resources_used_elsewhere_share"].value == Decimal("50.0")
    assert indicators["asset_transfers"].value == 1
    assert "3,000.00" in indicators["asset_transfers"].derivation
    assert indicators["funds_execution"].value == Decimal("25.0")
    teachers_in_post = indicators["activities_per_teacher"]
    assert "2 participations" in teachers_in_post.derivation


def test_indicators_page_shows_each_indicator(client_as, campuses):
    response = client_as("vp-longxiang").get(reverse("sharing:indicators"), {"year": YEAR})
    assert response.status_code == 200
    assert [i.code for i in response.context["indicators"]] == [
        "resource_cross_campus_use_share",
        "resources_used_elsewhere_share",
        "asset_transfers",
        "activities_per_teacher",
        "funds_execution",
    ]
