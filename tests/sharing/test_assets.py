"""Assets (资产统筹): one campus at a time, transfers as a recorded workflow, full history,
permissions by role and constant queries on the lists."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sharing import services
from sharing.models import Asset, AssetTransfer

from .conftest import make_asset


def move(asset, to_campus, *, requester, approver, receiver):
    transfer = services.asset_transfer_request(
        user=requester, asset=asset, to_campus=to_campus, reason="调剂"
    )
    services.asset_transfer_approve(user=approver, transfer=transfer)
    return services.asset_transfer_receive(user=receiver, transfer=transfer)


def test_asset_moved_twice_keeps_one_place_and_a_full_history(
    campuses, vp_hongqi, vp_longxiang, vp_taojiang, principal
):
    asset = make_asset(campuses["hongqi"])
    first = move(asset, campuses["longxiang"], requester=vp_hongqi, approver=principal, receiver=vp_longxiang)
    asset.refresh_from_db()
    assert asset.campus == campuses["longxiang"]
    second = move(
        asset, campuses["taojiang"], requester=vp_longxiang, approver=principal, receiver=vp_taojiang
    )
    asset.refresh_from_db()
    assert asset.campus == campuses["taojiang"]
    # One row, one campus: only 桃江 has it.
    assert Asset.objects.filter(code=asset.code).count() == 1
    assert [
        Asset.objects.for_user(vp).filter(pk=asset.pk).exists()
        for vp in (vp_hongqi, vp_longxiang, vp_taojiang)
    ] == [
        False,
        False,
        True,
    ]
    # Every move is in the asset's history with the transfer that made it, oldest first.
    campuses_over_time = [h.campus_id for h in asset.history.order_by("history_date", "history_id")]
    assert campuses_over_time == [campuses["hongqi"].pk, campuses["longxiang"].pk, campuses["taojiang"].pk]
    reasons = [h.history_change_reason for h in asset.history.order_by("history_date", "history_id")][1:]
    assert reasons == [f"Transfer #{first.pk} received", f"Transfer #{second.pk} received"]
    transfers = list(
        asset.transfers.order_by("requested_at", "pk").values_list("from_campus", "to_campus", "status")
    )
    assert transfers == [
        (campuses["hongqi"].pk, campuses["longxiang"].pk, "received"),
        (campuses["longxiang"].pk, campuses["taojiang"].pk, "received"),
    ]
    assert first.approved_by == principal and first.received_by == vp_longxiang


def test_campus_changes_only_on_receipt(campuses, vp_hongqi, principal):
    asset = make_asset(campuses["hongqi"])
    transfer = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["taojiang"], reason="x"
    )
    services.asset_transfer_approve(user=principal, transfer=transfer)
    asset.refresh_from_db()
    assert asset.campus == campuses["hongqi"]


def test_a_second_open_transfer_of_the_same_asset_is_refused(campuses, vp_hongqi):
    asset = make_asset(campuses["hongqi"])
    services.asset_transfer_request(user=vp_hongqi, asset=asset, to_campus=campuses["longxiang"], reason="x")
    with pytest.raises(ValidationError):
        services.asset_transfer_request(
            user=vp_hongqi, asset=asset, to_campus=campuses["taojiang"], reason="y"
        )
    assert AssetTransfer.objects.filter(asset=asset).count() == 1


def test_the_database_refuses_two_open_transfers(campuses):
    asset = make_asset(campuses["hongqi"])
    AssetTransfer.objects.create(
        asset=asset, from_campus=campuses["hongqi"], to_campus=campuses["longxiang"], reason="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AssetTransfer.objects.create(
            asset=asset,
            from_campus=campuses["hongqi"],
            to_campus=campuses["taojiang"],
            reason="y",
            status="approved",
        )


def test_a_new_transfer_is_possible_once_the_last_is_closed(campuses, vp_hongqi, principal):
    asset = make_asset(campuses["hongqi"])
    transfer = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["longxiang"], reason="x"
    )
    services.asset_transfer_reject(user=principal, transfer=transfer)
    again = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["taojiang"], reason="y"
    )
    assert again.status == "requested"


def test_receiving_twice_is_refused(campuses, vp_hongqi, vp_longxiang, principal):
    asset = make_asset(campuses["hongqi"])
    transfer = move(
        asset, campuses["longxiang"], requester=vp_hongqi, approver=principal, receiver=vp_longxiang
    )
    with pytest.raises(ValidationError):
        services.asset_transfer_receive(user=vp_longxiang, transfer=transfer)


def test_only_the_receiving_campus_confirms_receipt(campuses, vp_hongqi, vp_taojiang, principal):
    asset = make_asset(campuses["hongqi"])
    transfer = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["longxiang"], reason="x"
    )
    services.asset_transfer_approve(user=principal, transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.asset_transfer_receive(user=vp_hongqi, transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.asset_transfer_receive(user=vp_taojiang, transfer=transfer)


def test_vp_cannot_approve_transfers(campuses, vp_hongqi):
    asset = make_asset(campuses["hongqi"])
    transfer = services.asset_transfer_request(
        user=vp_hongqi, asset=asset, to_campus=campuses["longxiang"], reason="x"
    )
    with pytest.raises(PermissionDenied):
        services.asset_transfer_approve(user=vp_hongqi, transfer=transfer)


def test_vp_cannot_send_another_campus_asset(campuses, vp_longxiang):
    asset = make_asset(campuses["hongqi"])
    with pytest.raises(PermissionDenied):
        services.asset_transfer_request(
            user=vp_longxiang, asset=asset, to_campus=campuses["longxiang"], reason="x"
        )


def test_editing_an_asset_cannot_move_it(campuses, vp_hongqi, principal):
    asset = make_asset(campuses["hongqi"])
    asset.campus = campuses["longxiang"]
    with pytest.raises(ValidationError) as refused:
        services.asset_save(user=principal, asset=asset)
    assert "campus" in refused.value.message_dict


# --- pages -------------------------------------------------------------------------------------


def test_vp_sees_and_exports_only_own_campus_assets(client_as, campuses):
    mine = make_asset(campuses["longxiang"], code="LX-1")
    other = make_asset(campuses["taojiang"], code="TJ-1")
    client = client_as("vp-longxiang")
    response = client.get(reverse("sharing:asset_list"))
    assert {row.record for row in response.context["table"].rows} == {mine}
    export = client.get(reverse("sharing:asset_list"), {"_export": "csv"}).content.decode("utf-8-sig")
    assert "LX-1" in export and "TJ-1" not in export
    assert client.get(reverse("sharing:asset_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("sharing:asset_update", args=[other.pk])).status_code == 404
    assert client.get(reverse("sharing:transfer_create", args=[other.pk])).status_code == 404


def test_bureau_reads_assets_but_cannot_register(client_as, campuses):
    make_asset(campuses["taojiang"])
    client = client_as("bureau")
    assert len(client.get(reverse("sharing:asset_list")).context["table"].rows) == 1
    assert client.get(reverse("sharing:asset_create")).status_code == 403


def test_transfer_workflow_through_the_pages(client_as, campuses):
    asset = make_asset(campuses["hongqi"], value=Decimal("12000.00"))
    sender = client_as("vp-hongqi")
    response = sender.post(
        reverse("sharing:transfer_create", args=[asset.pk]),
        {"to_campus": campuses["taojiang"].pk, "reason": "新校区开办"},
    )
    transfer = AssetTransfer.objects.get()
    assert response.status_code == 302
    receiver = client_as("vp-taojiang")
    # Both campuses see the transfer; 龙翔 does not.
    assert receiver.get(reverse("sharing:transfer_detail", args=[transfer.pk])).status_code == 200
    assert (
        client_as("vp-longxiang").get(reverse("sharing:transfer_detail", args=[transfer.pk])).status_code
        == 404
    )
    assert sender.post(reverse("sharing:transfer_approve", args=[transfer.pk])).status_code == 403
    # A second request while one is open: refused with a message, nothing written.
    again = sender.post(
        reverse("sharing:transfer_create", args=[asset.pk]),
        {"to_campus": campuses["longxiang"].pk, "reason": "x"},
    )
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert (
        client_as("principal").post(reverse("sharing:transfer_approve", args=[transfer.pk])).status_code
        == 302
    )
    assert receiver.post(reverse("sharing:transfer_receive", args=[transfer.pk])).status_code == 302
    asset.refresh_from_db()
    assert asset.campus == campuses["taojiang"]
    page = receiver.get(reverse("sharing:asset_detail", args=[asset.pk]))
    assert page.status_code == 200 and len(page.context["transfers"]) == 1
    # The sender no longer holds it.
    assert sender.get(reverse("sharing:asset_detail", args=[asset.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["sharing:asset_list", "sharing:transfer_list"])
def test_asset_lists_keep_constant_queries(client_as, campuses, url_name, django_assert_max_num_queries):
    client = client_as("principal")
    for size in (3, 30):
        while Asset.objects.count() < size:
            n = Asset.objects.count()
            asset = make_asset(campuses["hongqi"], code=f"A-{n:03d}")
            AssetTransfer.objects.create(
                asset=asset, from_campus=campuses["hongqi"], to_campus=campuses["longxiang"], reason="x"
            )
        with django_assert_max_num_queries(12):
            assert client.get(reverse(url_name)).status_code == 200
