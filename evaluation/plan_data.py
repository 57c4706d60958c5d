"""The plan's default assessment scheme (fixtures/evaluation_scheme.json), loaded idempotently
with the rest of the plan's data: each record is found by its natural key and created only when
missing, so a second load adds nothing and an administrator's edits stay."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings

SCHEME_FILE = Path(settings.BASE_DIR) / "fixtures" / "evaluation_scheme.json"


def evaluation_scheme_load(counts: dict, path: Path = SCHEME_FILE) -> None:
    from .models import Indicator, Scheme

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    spec = data["scheme"]
    scheme, created = Scheme.objects.get_or_create(
        year=spec["year"],
        name=spec["name"],
        defaults={
            "target_kind": spec["target_kind"],
            "aggregation": spec["aggregation"],
            "band_method": spec["band_method"],
            "excellent_share": Decimal(spec["excellent_share"]),
            "good_share": Decimal(spec["good_share"]),
            "pass_floor": Decimal(spec["pass_floor"]),
            "reconcile_tolerance": Decimal(spec["reconcile_tolerance"]),
            "appeal_days": spec["appeal_days"],
            "description": spec["description"],
        },
    )
    counts["assessment schemes"] += created
    for order, area in enumerate(data["indicators"], start=1):
        parent, created = Indicator.objects.get_or_create(
            scheme=scheme,
            code=area["code"],
            defaults={"name": area["name"], "max_points": Decimal(area["max_points"]), "order": order},
        )
        counts["indicators"] += created
        for child_order, item in enumerate(area.get("children", []), start=1):
            _, created = Indicator.objects.get_or_create(
                scheme=scheme,
                code=item["code"],
                defaults={
                    "parent": parent,
                    "name": item["name"],
                    "max_points": Decimal(item["max_points"]),
                    "order": child_order,
                    "kind": item.get("kind", Indicator.Kind.SCORED),
                    "computation": item.get("computation", ""),
                    "target_value": Decimal(item["target"]) if item.get("target") else None,
                    "guidance": item.get("guidance", ""),
                    "evidence_requirement": item.get("evidence", ""),
                },
            )
            counts["indicators"] += created
