"""The assessment benchmark's workload (`generate_demo --assessment-schools`, `make bench`)."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from groupschool.figures import figures_changed
from kernel.roles import Role
from kernel.services import user_set_roles

from .common import BATCH_SIZE, CHANGE_REASON, DISTRICTS, Y, bulk_create_with_history

#: The six first-level areas of the plan (三（二）1), the parents of the workload's indicators.
WORKLOAD_AREAS = (
    "党的建设",
    "内部治理和运行",
    "优质资源共享",
    "教师队伍建设",
    "教学质量提升",
    "素质教育发展",
)
WORKLOAD_MAX_POINTS = (2, 3, 4, 5, 6, 8)
WORKLOAD_WEIGHTS = (Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("1"), Decimal("1.5"), Decimal("2"))
#: Every tenth school copies the scores (and reviews) of the school before it, in the same peer
#: category but where a category starts: exact ties of totals, which must share a rank and a band.
WORKLOAD_TWIN_EVERY = 10
#: Out of 1,000 cells: nobody scored 5 (a missing cell), one evaluator 15, two evaluators 20 (the
#: trimmed mean needs three: these get the plain mean); the rest every evaluator. One cell in
#: 1,000 has a lead evaluator's review (half corrected points, half a confirmation only).
WORKLOAD_MISSING, WORKLOAD_ONE, WORKLOAD_TWO = 5, 20, 40
_MOD = 2147483647  # 2³¹ − 1: every product below stays within 64-bit integers on both databases


def _workload_cells_sql(*, seed: int, evaluators: int) -> str:
    """CTEs over the workload scheme's evaluatees × leaf indicators: the cell's pseudo-random
    number `cx`, the school's quality (52–91 % of the maximum) and the cell's half-point maximum
    `hp`; then `v`, the scheme's evaluators numbered 1…E. The draws are quadratic maps modulo
    2³¹ − 1 of the school's and indicator's ordinal numbers (not of primary keys), so the same
    seed gives the same points on SQLite and PostgreSQL. Parameters: scheme id (twice), the
    evaluators' user ids."""
    s1, s2 = (seed * 1000003 + 12345) % _MOD, (seed * 7368787 + 54321) % _MOD
    twin = WORKLOAD_TWIN_EVERY
    return f"""
WITH e1 AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY code) AS n FROM evaluation_evaluatee WHERE scheme_id = %s
), e2 AS (
    SELECT id, CASE WHEN n %% {twin} = 0 THEN n - 1 ELSE n END AS src FROM e1
), e3 AS (
    SELECT id, src, ({s1} + src * 7919) %% {_MOD} AS z FROM e2
), e AS (
    SELECT id, src, 52 + ((z * z + 11) %% {_MOD}) %% 40 AS quality FROM e3
), i AS (
    SELECT id, CAST(max_points AS INTEGER) * 2 AS hp, ROW_NUMBER() OVER (ORDER BY id) AS j
    FROM evaluation_indicator WHERE scheme_id = %s AND parent_id IS NOT NULL
), c1 AS (
    SELECT e.id AS evaluatee_id, i.id AS indicator_id, i.hp, e.quality,
           ({s2} + e.src * 104729 + i.j * 1299709) %% {_MOD} AS x
    FROM e CROSS JOIN i
), c AS (
    SELECT evaluatee_id, indicator_id, hp, quality, (x * x + 17) %% {_MOD} AS cx,
           CASE WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_MISSING} THEN 0
                WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_ONE} THEN 1
                WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_TWO} THEN 2
                ELSE {evaluators} END AS how_many
    FROM c1
), v AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY username) AS k FROM auth_user WHERE id IN ({{user_ids}})
)"""


def assessment_workload_scheme_name(*, schools: int, indicators: int, evaluators: int, seed: int) -> str:
    """The name of the workload's scheme (its marker: year `Y` and this name)."""
    return f"评估基准：{schools}校×{indicators}项指标×{evaluators}名评估员（种子{seed}）"


class _Workload:
    def __init__(self, *, schools: int, peer_categories: int, indicators: int, evaluators: int, seed: int):
        self.n_schools, self.n_peers, self.n_indicators, self.n_evaluators = (
            schools,
            peer_categories,
            indicators,
            evaluators,
        )
        self.seed = seed
        self.prefix = f"wl-{seed}-"
        self.counts: Counter = Counter()

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "workload", *parts)))

    def _bulk(self, model, objs: list, label: str) -> list:
        if not objs:
            return []
        created = bulk_create_with_history(
            objs, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        self.counts[label] += len(objs)
        return created

    def peer_categories(self) -> list:
        from campuses.models import PeerCategory

        wanted = {
            f"{self.prefix}peer-{k}": f"评估基准同类学校{k}（种子{self.seed}）"
            for k in range(1, self.n_peers + 1)
        }
        have = {p.code: p for p in PeerCategory.objects.filter(code__in=wanted)}
        self._bulk(
            PeerCategory,
            [
                PeerCategory(code=code, name=name, stage="primary", description="演示数据：评估计算基准")
                for code, name in wanted.items()
                if code not in have
            ],
            "peer categories",
        )
        return list(PeerCategory.objects.filter(code__in=wanted).order_by("code"))

    def schools(self, categories: list) -> list[tuple[int, str, str, int]]:
        """The workload's schools (no campuses, no staff: the computation needs neither), as
        (id, code, name, peer category id), in code order."""
        from campuses.models import School

        by_code = {c.code: c for c in categories}
        codes = [f"{self.prefix}{n:05d}" for n in range(1, self.n_schools + 1)]
        have = set(School.objects.filter(code__startswith=self.prefix).values_list("code", flat=True))
        new = []
        for n, code in enumerate(codes, start=1):
            if code in have:
                continue
            # Peer categories in contiguous blocks of codes: a twin lands with its original.
            peer = by_code[f"{self.prefix}peer-{(n - 1) * self.n_peers // self.n_schools + 1}"]
            new.append(
                School(
                    code=code,
                    name=f"评估基准学校{n:05d}（种子{self.seed}）",
                    stage="primary",
                    peer_category=peer,
                    district=DISTRICTS[n % len(DISTRICTS)],
                )
            )
        self._bulk(School, new, "schools")
        return list(
            School.objects.filter(code__in=codes)
            .order_by("code")
            .values_list("pk", "code", "name", "peer_category_id")
        )

    def evaluators(self) -> list:

        User = get_user_model()
        users = []
        for k in range(1, self.n_evaluators + 1):
            username = f"{self.prefix}evaluator-{k:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                # No password: benchmark accounts never sign in (and hashing costs time).
                user = User.objects.create_user(username, password=None, first_name=f"评估员{k}")
                user_set_roles(user=user, roles=[Role.EVALUATOR])
                self.counts["evaluators"] += 1
            users.append(user)
        return users

    def scheme(self):
        from evaluation.models import Indicator, Scheme, TargetKind

        name = assessment_workload_scheme_name(
            schools=self.n_schools, indicators=self.n_indicators, evaluators=self.n_evaluators, seed=self.seed
        )
        scheme = Scheme.objects.filter(year=Y, name=name).first()
        if scheme is not None:
            return scheme
        rng = self.rng("indicators")
        leaves = [
            (j, (j - 1) % len(WORKLOAD_AREAS), rng.choice(WORKLOAD_MAX_POINTS), rng.choice(WORKLOAD_WEIGHTS))
            for j in range(1, self.n_indicators + 1)
        ]
        best = sum(points * weight for _j, _a, points, weight in leaves)
        scheme = Scheme(
            name=name,
            year=Y,
            target_kind=TargetKind.SCHOOLS,
            status=Scheme.Status.OPEN,
            aggregation=Scheme.Aggregation.TRIMMED_MEAN,
            band_method=Scheme.BandMethod.RANK_SHARE,
            # 60 % of the best possible total: about one school in three fails.
            pass_floor=(best * Decimal("0.6")).quantize(Decimal("0.01")),
            description="演示数据：评估计算基准（make bench），分数由 generate_demo 生成。",
        )
        scheme.full_clean()
        scheme.save()
        self.counts["assessment schemes"] += 1
        areas = self._bulk(
            Indicator,
            [
                Indicator(
                    scheme=scheme,
                    code=str(a + 1),
                    name=area,
                    order=a + 1,
                    max_points=sum((p for _j, pa, p, _w in leaves if pa == a), Decimal(0)) or Decimal(1),
                )
                for a, area in enumerate(WORKLOAD_AREAS)
            ],
            "indicators",
        )
        per_area: Counter = Counter()
        children = []
        for _j, a, points, weight in leaves:
            per_area[a] += 1
            children.append(
                Indicator(
                    scheme=scheme,
                    parent=areas[a],
                    code=f"{a + 1}.{per_area[a]}",
                    name=f"{WORKLOAD_AREAS[a]}指标{per_area[a]}",
                    order=per_area[a],
                    max_points=Decimal(points),
                    weight=weight,
                )
            )
        self._bulk(Indicator, children, "indicators")
        return scheme

    def evaluatees(self, scheme, schools: list[tuple[int, str, str, int]]) -> None:
        from evaluation.models import Evaluatee

        have = set(Evaluatee.objects.filter(scheme=scheme).values_list("code", flat=True))
        self._bulk(
            Evaluatee,
            [
                Evaluatee(scheme=scheme, code=code, name=name, school_id=pk, peer_category_id=peer)
                for pk, code, name, peer in schools
                if code not in have
            ],
            "evaluatees",
        )

    def scores(self, scheme, users: list) -> None:
        """Every score in one INSERT … SELECT (set-based: seconds for millions of rows), then a
        few lead-evaluator reviews. These rows get no history rows (a benchmark's data)."""
        from django.db import connection

        from evaluation.models import CellReview, Score

        if Score.objects.filter(indicator__scheme=scheme).exists():
            return
        cte = _workload_cells_sql(seed=self.seed, evaluators=self.n_evaluators).replace(
            "{user_ids}", ", ".join(["%s"] * len(users))
        )
        params = [scheme.pk, scheme.pk, *[u.pk for u in users]]
        now = connection.ops.adapt_datetimefield_value(datetime.datetime.now(datetime.UTC))
        # Points: the school's quality ± 8 % per evaluator, in half points, never above the maximum.
        noise = f"((s.y * s.y + 23) %% {_MOD}) %% 17 - 8"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""{cte}, s AS (
    SELECT c.evaluatee_id, c.indicator_id, c.hp, c.quality, v.id AS evaluator_id,
           (c.cx + v.k * 15485863) %% {_MOD} AS y
    FROM c JOIN v ON v.k <= c.how_many
)
INSERT INTO evaluation_score
    (indicator_id, evaluatee_id, evaluator_id, points, comment, evidence, version, updated_at)
SELECT s.indicator_id, s.evaluatee_id, s.evaluator_id, (s.hp * (s.quality + {noise}) / 100) * 0.5,
       '', '', 1, %s
FROM s""",
                [*params, now],
            )
            cursor.execute(
                f"""{cte}
INSERT INTO evaluation_cellreview
       (indicator_id, evaluatee_id, points, reason, reviewed_by_id, reviewed_at, revision)
SELECT c.indicator_id, c.evaluatee_id,
       CASE WHEN c.cx %% 2000 < 1000 THEN c.hp * 0.25 ELSE NULL END,
       %s, (SELECT MIN(v.id) FROM v), %s, 1
FROM c WHERE c.cx %% 1000 = {WORKLOAD_TWO}""",
                [*params, "演示数据：组长核定", now],
            )
        # Counted afterwards: SQLite reports no row count for a statement that starts with WITH.
        self.counts["scores"] += Score.objects.filter(indicator__scheme=scheme).count()
        self.counts["cell reviews"] += CellReview.objects.filter(indicator__scheme=scheme).count()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather after such a load: the planner's estimates.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE evaluation_score")


@transaction.atomic
def assessment_workload_generate(
    *, schools: int, peer_categories: int = 3, indicators: int = 30, evaluators: int = 5, seed: int = 1
) -> dict[str, int]:
    """The assessment benchmark's workload for `seed` (what is missing of it): peer categories,
    schools, one open scheme of target kind schools (trimmed mean, bands by rank share) with
    `indicators` scored leaf indicators under the plan's six first-level areas, its evaluatees,
    `evaluators` evaluator accounts and their scores — ties (every tenth school copies the one
    before it), missing cells, cells of one or two evaluators, and a few lead-evaluator reviews.

    Deterministic from the seed and the options, on either database; a second run adds nothing.
    Returns how many records of each kind were new.
    """
    if min(schools, peer_categories, indicators, evaluators) < 1 or seed < 0:
        raise ValueError("schools, peer_categories, indicators and evaluators must be at least 1")
    if schools > 99999:
        raise ValueError("at most 99,999 schools (five-digit codes)")
    workload = _Workload(
        schools=schools,
        peer_categories=min(peer_categories, schools),
        indicators=indicators,
        evaluators=evaluators,
        seed=seed,
    )
    categories = workload.peer_categories()
    school_rows = workload.schools(categories)
    users = workload.evaluators()
    scheme = workload.scheme()
    workload.evaluatees(scheme, school_rows)
    workload.scores(scheme, users)
    figures_changed()  # schools written in bulk (see demo_data_generate)
    return {label: n for label, n in workload.counts.items() if n}
