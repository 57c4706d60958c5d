"""Synthetic peer schools, their campuses and the federated group they form (see groupschool.demo)."""

from __future__ import annotations

import datetime

from .common import (
    BANKS,
    CAMPUS_PLACES,
    CREDIT_CODE_CHARS,
    DISTRICTS,
    EXTRA_PEER_CATEGORIES,
    PLAN_PEER_CATEGORY,
    SCHOOL_PATTERNS,
    SCHOOL_PLACES_1,
    SCHOOL_PLACES_2,
    Y,
    date_between,
    person_name,
    weighted,
)


class SchoolsMixin:
    def create_schools(self) -> None:
        from campuses.models import Campus, EducationGroup, PeerCategory, School

        categories = {}
        for code, name, stage in (PLAN_PEER_CATEGORY, *EXTRA_PEER_CATEGORIES):
            category, created = PeerCategory.objects.get_or_create(
                code=code,
                defaults={"name": name, "stage": stage, "description": "同类学校（分类由教育局设定）"},
            )
            categories[code] = category
            self.counts["peer categories"] += created
        if not self.n_schools:
            return
        existing_codes = set(
            School.objects.filter(code__startswith=self.prefix).values_list("code", flat=True)
        )
        taken_names = set(School.objects.exclude(code__startswith=self.prefix).values_list("name", flat=True))
        taken_credit = set(School.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        names_rng = self.rng("school-names")
        category_weights = {
            PLAN_PEER_CATEGORY[0]: 60,
            "demo-town-primary": 20,
            "demo-urban-junior": 12,
            "demo-nine-year": 8,
        }
        group_size = min(12, max(2, self.n_schools // 10)) if self.n_schools >= 2 else 0
        group = None
        new_schools, new_campuses = [], []
        for n in range(1, self.n_schools + 1):
            rng = self.rng("school", n)
            category = categories[weighted(rng, category_weights)]
            stage = category.stage
            while True:
                place = names_rng.choice(SCHOOL_PLACES_1) + names_rng.choice(SCHOOL_PLACES_2)
                name = names_rng.choice(SCHOOL_PATTERNS[stage]).format(p=place)
                if name not in taken_names:
                    taken_names.add(name)
                    break
            if n == 1 and group_size:
                # The federated group is named after its core school, as groups are (龙师附小教育集团).
                group, created = EducationGroup.objects.get_or_create(
                    code=f"{self.prefix}group",
                    defaults={
                        "name": f"{name}教育集团",
                        "governance_mode": EducationGroup.Governance.FEDERATED,
                        "charter_status": EducationGroup.CharterStatus.APPROVED,
                        "founded_on": datetime.date(2022, 9, 1),
                        "description": f"以{name}为核心校、成员校保留各自法人的紧密型教育集团。",
                    },
                )
                self.counts["education groups"] += created
            code = f"{self.prefix}{n}"
            credit = (
                "12"
                + f"{rng.randrange(360000, 369999):06d}"
                + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(10))
            )
            n_campuses = rng.choices((1, 2, 3), weights=(40, 40, 20))[0]
            places = [CAMPUS_PLACES[i : i + 2] for i in range(0, len(CAMPUS_PLACES) - 1, 2)]
            campus_names = [f"{p}校区" for p in rng.sample(places, n_campuses)]
            opened = [date_between(rng, datetime.date(1950, 9, 1), datetime.date(2005, 9, 1))] + sorted(
                datetime.date(rng.randrange(2012, Y + 1), 9, 1) for _ in range(n_campuses - 1)
            )
            district = rng.choice(DISTRICTS)
            representative = person_name(rng, rng.choice("FM"))
            bank = rng.choice(BANKS)
            account = "".join(str(rng.randrange(10)) for _ in range(19))
            if code in existing_codes:
                continue
            school = School(
                code=code,
                name=name,
                group=group if n <= group_size else None,
                legal_representative=representative,
                credit_code=credit if credit not in taken_credit else "",
                bank_name=bank,
                bank_account=account,
                stage=stage,
                peer_category=category,
                district=district,
            )
            new_schools.append(school)
            for k, (campus_name, opened_on) in enumerate(zip(campus_names, opened, strict=True), start=1):
                new_campuses.append(
                    Campus(
                        code=f"{code}-{k}",
                        name=campus_name,
                        school=school,
                        address=f"{district}{place}路{rng.randrange(1, 300)}号",
                        opened_on=opened_on,
                        is_core=k == 1,
                    )
                )
        self._bulk(School, new_schools, "schools")
        for campus in new_campuses:
            campus.school_id = campus.school.pk
        self._bulk(Campus, new_campuses, "campuses")
        if group is not None and group.core_school_id is None:
            core = School.objects.filter(code=f"{self.prefix}1").first()
            if core is not None:
                EducationGroup.objects.filter(pk=group.pk).update(core_school=core)

    # --- people and everything per campus ------------------------------------------------------
