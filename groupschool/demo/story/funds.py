"""Funds and assets of the plan's school (一个法人、一个账户): this year's budgets by line, their
allocations to the campuses, spending, a reallocation request, assets and transfers (see
groupschool.demo.story)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ..common import Y
from . import PLAN_CAMPUSES, Story, at

D = datetime.date
#: line code → (budget, allocations by campus, note); what is not allocated stays in reserve.
BUDGETS = {
    "personnel": (
        "18600000",
        {"hongqi": "9800000", "longxiang": "5200000", "taojiang": "3200000"},
        "在编教职工工资福利",
    ),
    "public": (
        "2450000",
        {"hongqi": "1250000", "longxiang": "650000", "taojiang": "450000"},
        "按生均公用经费标准核定",
    ),
    "special": (
        "1200000",
        {"hongqi": "200000", "longxiang": "350000", "taojiang": "550000"},
        "智慧教室与桃江校区配套",
    ),
}
#: (campus, line, day, amount, purpose)
SPENDING = (
    ("hongqi", "personnel", D(Y, 10, 31), "7980000.00", "1—10月教职工工资"),
    ("longxiang", "personnel", D(Y, 10, 31), "4230000.00", "1—10月教职工工资"),
    ("taojiang", "personnel", D(Y, 10, 31), "2610000.00", "1—10月教职工工资"),
    ("hongqi", "public", D(Y, 3, 18), "186500.00", "春季学期教学耗材与办公用品"),
    ("hongqi", "public", D(Y, 6, 25), "243800.00", "校舍维修（教学楼屋面防水）"),
    ("hongqi", "public", D(Y, 9, 12), "152300.00", "秋季学期教学耗材与办公用品"),
    ("hongqi", "special", D(Y, 8, 20), "168000.00", "录播教室设备更新"),
    ("longxiang", "public", D(Y, 3, 22), "98600.00", "春季学期教学耗材与办公用品"),
    ("longxiang", "public", D(Y, 7, 15), "126400.00", "暑期校园绿化与维修"),
    ("longxiang", "special", D(Y, 9, 5), "215000.00", "科学实验室器材配备"),
    ("taojiang", "public", D(Y, 3, 25), "87200.00", "春季学期教学耗材与办公用品"),
    ("taojiang", "public", D(Y, 9, 8), "163500.00", "新增班级课桌椅与办公设备"),
    ("taojiang", "special", D(Y, 8, 28), "486000.00", "智慧教室设备购置（6间）"),
)
REALLOCATION = ("taojiang", "public", "80000.00", "桃江校区秋季新增4个班，办公经费不足，申请从预留经费调剂。")
#: (campus, code, name, category, value, acquired on)
ASSETS = (
    ("hongqi", "LSFX-HQ-0001", "便携式录播设备", "it", "68000.00", D(2022, 8, 30)),
    ("hongqi", "LSFX-HQ-0002", "交互式智慧黑板（12块）", "teaching", "216000.00", D(2021, 8, 25)),
    ("hongqi", "LSFX-HQ-0003", "图书（8,600册）", "books", "172000.00", D(2019, 6, 1)),
    ("hongqi", "LSFX-HQ-0004", "移动篮球架（2副）", "sports", "15600.00", D(2020, 9, 1)),
    ("longxiang", "LSFX-LX-0001", "学生计算机（50台）", "it", "240000.00", D(2023, 8, 20)),
    ("longxiang", "LSFX-LX-0002", "科学实验室器材", "teaching", "215000.00", D(Y, 9, 5)),
    ("longxiang", "LSFX-LX-0003", "体育器材一批", "sports", "46000.00", D(2023, 8, 20)),
    ("taojiang", "LSFX-TJ-0001", "智慧教室设备（6间）", "teaching", "486000.00", D(Y, 8, 28)),
    ("taojiang", "LSFX-TJ-0002", "图书（3,200册）", "books", "64000.00", D(2024, 8, 15)),
)
#: An asset moved and received, and one offered and not yet approved.
TRANSFER_DONE = ("LSFX-HQ-0001", "taojiang", "桃江校区开展录播课教研，借调红旗校区便携式录播设备。")
TRANSFER_OPEN = ("LSFX-LX-0003", "taojiang", "龙翔校区体育器材有富余，调剂给桃江校区使用。")


def generate(story: Story) -> None:
    _funds(story)
    _assets(story)


def _funds(story: Story) -> None:
    from sharing.models import Allocation, Budget, BudgetLine, Spending
    from sharing.services import allocation_save, budget_save, reallocation_request, spending_record

    lines = {line.code: line for line in BudgetLine.objects.filter(code__in=BUDGETS)}
    if len(lines) < len(BUDGETS) or Budget.objects.filter(school=story.school, year=Y).exists():
        return
    principal = story.users["principal"]
    budgets = {}
    for code, (amount, shares, note) in BUDGETS.items():
        budget = budget_save(
            user=principal,
            budget=Budget(school=story.school, year=Y, line=lines[code], amount=Decimal(amount), note=note),
        )
        budgets[code] = budget
        story.counts["budgets"] += 1
        for campus_code in PLAN_CAMPUSES:
            allocation_save(
                user=principal,
                allocation=Allocation(
                    budget=budget, campus=story.campuses[campus_code], amount=Decimal(shares[campus_code])
                ),
            )
            story.counts["allocations"] += 1
    for campus_code, line, day, amount, purpose in SPENDING:
        spending_record(
            user=story.vp(campus_code),
            spending=Spending(
                line=lines[line],
                campus=story.campuses[campus_code],
                spent_on=day,
                amount=Decimal(amount),
                purpose=purpose,
                recorded_at=at(day + datetime.timedelta(days=1)),
            ),
        )
        story.counts["spending"] += 1
    campus_code, line, amount, reason = REALLOCATION
    reallocation_request(
        user=story.vp(campus_code),
        budget=budgets[line],
        from_campus=None,
        to_campus=story.campuses[campus_code],
        amount=Decimal(amount),
        reason=reason,
    )
    story.counts["reallocations"] += 1


def _assets(story: Story) -> None:
    from sharing.models import Asset
    from sharing.services import (
        asset_save,
        asset_transfer_approve,
        asset_transfer_receive,
        asset_transfer_request,
    )

    if Asset.objects.filter(code=ASSETS[0][1]).exists():
        return
    assets = {}
    for campus_code, code, name, category, value, acquired_on in ASSETS:
        assets[code] = asset_save(
            user=story.vp(campus_code),
            asset=Asset(
                code=code,
                name=name,
                category=category,
                value=Decimal(value),
                campus=story.campuses[campus_code],
                acquired_on=acquired_on,
            ),
        )
        story.counts["assets"] += 1
    principal = story.users["principal"]
    for (code, to, reason), steps in ((TRANSFER_DONE, True), (TRANSFER_OPEN, False)):
        asset = assets[code]
        transfer = asset_transfer_request(
            user=story.vp(asset.campus.code), asset=asset, to_campus=story.campuses[to], reason=reason
        )
        if steps:
            transfer = asset_transfer_approve(user=principal, transfer=transfer)
            asset_transfer_receive(user=story.vp(to), transfer=transfer)
        story.counts["asset transfers"] += 1
