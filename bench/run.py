"""Benchmarks: `make bench` (or `.venv/bin/python bench/run.py --help`).

Builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL when it is set),
loads the plan's data and the demo accounts, then for each size generates demo data
(`groupschool.demo_data`, seed 1) and times the main pages with Django's test client, signed in
as `bureau` (every campus) and as `vp-longxiang` (one campus): median and 95th percentile in
milliseconds and the number of SQL queries per page. Prints a table and writes
`bench/results/bench-<date>.json`. Pages whose URL name does not resolve yet are skipped.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
USERS = ("bureau", "vp-longxiang")
#: (label, URL name, query string)
PAGES = (
    ("dashboard", "home", ""),
    ("staff list", "staff:member_list", ""),
    ("staff list, filtered", "staff:member_list", "subject=maths&professional_title=first&q=王"),
    ("staff list, page 2", "staff:member_list", "page=2"),
    ("rotation list", "staff:rotation_list", ""),
    ("rotation list, filtered", "staff:rotation_list", "status=active"),
    ("mentorship list", "staff:mentorship_list", ""),
    ("campus list", "campuses:campus_list", ""),
    ("staff export (xlsx)", "staff:member_list", "_export=xlsx"),
    ("rotation export (csv)", "staff:rotation_list", "_export=csv"),
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _setup_django(database_url: str | None) -> str:
    os.environ.setdefault("DEBUG", "1")  # the embedded set-up, as `make run` (see README)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings

    # The test client's host name; benchmarks never serve real traffic.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return os.environ.get("DATABASE_URL", "")


def _time_page(client, url: str, repeat: int, *, warm_up: bool = True) -> dict:
    """Time `repeat` requests of `url`; count the SQL queries of one of them.

    Without `warm_up` (exports, slow by nature) the first timed request is the one counted.
    """
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    # Counted by an execute wrapper: the connection is closed after each request (CONN_MAX_AGE=0),
    # which would reset CaptureQueriesContext's log.
    times = []
    if warm_up:
        client.get(url)
        with connection.execute_wrapper(count):
            response = client.get(url)
    for i in range(repeat):
        start = time.perf_counter()
        if i == 0 and not warm_up:
            with connection.execute_wrapper(count):
                response = client.get(url)
        else:
            client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "bytes": len(response.content),
    }


def run(sizes: list[int], staff_per_campus: int, repeat: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from campuses.models import Campus
    from groupschool.demo_accounts import demo_accounts_create
    from groupschool.demo_data import demo_data_generate
    from groupschool.plan_data import plan_data_load
    from staff.models import Rotation, StaffMember

    call_command("migrate", verbosity=0, interactive=False)
    plan_data_load()
    demo_accounts_create()
    users = {name: get_user_model().objects.get(username=name) for name in USERS}

    skipped, urls = [], []
    for label, url_name, query in PAGES:
        try:
            path = reverse(url_name)
        except NoReverseMatch:
            skipped.append({"page": label, "url_name": url_name, "note": "URL name does not resolve yet"})
            continue
        urls.append((label, url_name, path + (f"?{query}" if query else "")))

    results = []
    for size in sizes:
        start = time.perf_counter()
        demo_data_generate(schools=size, staff_per_campus=staff_per_campus, seed=seed)
        generate_s = time.perf_counter() - start
        data = {
            "schools": size,
            "campuses": Campus.objects.count(),
            "staff": StaffMember.objects.count(),
            "rotations": Rotation.objects.count(),
            "generate_s": round(generate_s, 2),
        }
        print(
            f"size {size}: {data['campuses']} campuses, {data['staff']} staff, {data['rotations']} rotations "
            f"(generated in {generate_s:.1f} s)",
            flush=True,
        )
        for username, user in users.items():
            client = Client()
            client.force_login(user)
            for label, _url_name, url in urls:
                # Exports of every row are slow by nature: fewer requests, no warm-up.
                export = "_export=" in url
                row = {
                    "size": size,
                    "user": username,
                    "page": label,
                    "url": url,
                    **_time_page(client, url, 3 if export else repeat, warm_up=not export),
                }
                results.append(row)
                print(
                    f"  {username:<13} {label:<26} {row['status']} {row['queries']:>4} q "
                    f"{row['median_ms']:>8.1f} ms (p95 {row['p95_ms']:.1f})",
                    flush=True,
                )
        results.append({"size": size, "data": data})
    return {"results": results, "skipped": skipped}


def _table(report: dict) -> str:
    rows = [r for r in report["results"] if "page" in r]
    sizes = sorted({r["size"] for r in rows})
    header = f"{'user':<13} {'page':<26}" + "".join(
        f" | {f'{s} schools: median/p95 ms, queries':>36}" for s in sizes
    )
    lines = [header, "-" * len(header)]
    keys = []
    for r in rows:
        if (r["user"], r["page"]) not in keys:
            keys.append((r["user"], r["page"]))
    by_key = {(r["user"], r["page"], r["size"]): r for r in rows}
    for user, page in keys:
        cells = []
        for size in sizes:
            r = by_key.get((user, page, size))
            flag = "" if r is None or r["status"] == 200 else f" [{r['status']}]"
            text = (
                "-"
                if r is None
                else "{:.1f} / {:.1f}, {} q{}".format(r["median_ms"], r["p95_ms"], r["queries"], flag)
            )
            cells.append(f" | {text:>36}")
        lines.append(f"{user:<13} {page:<26}" + "".join(cells))
    for note in report["skipped"]:
        lines.append(f"skipped: {note['page']} ({note['url_name']}): {note['note']}")
    grown = [
        (user, page)
        for user, page in keys
        if len({by_key[(user, page, s)]["queries"] for s in sizes if (user, page, s) in by_key}) > 1
    ]
    for user, page in grown:
        lines.append(f"WARNING: the number of queries of '{page}' ({user}) grows with the data.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200", help="numbers of synthetic schools, comma-separated")
    parser.add_argument("--staff-per-campus", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", help="JSON file to write (default bench/results/bench-<date>.json)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    with tempfile.TemporaryDirectory(prefix="groupschool-bench-") as tmp:
        database_url = None if os.environ.get("DATABASE_URL") else f"sqlite:///{tmp}/bench.sqlite3"
        database = _setup_django(database_url)
        started = datetime.datetime.now(datetime.UTC)
        report = run(sizes, args.staff_per_campus, args.repeat, args.seed)

    import django

    report["meta"] = {
        "started_at": started.isoformat(timespec="seconds"),
        "database": "temporary SQLite" if database_url else database.split("@")[-1],
        "sizes": sizes,
        "staff_per_campus": args.staff_per_campus,
        "repeat": args.repeat,
        "seed": args.seed,
        "python": platform.python_version(),
        "django": django.get_version(),
        "debug": os.environ.get("DEBUG"),
        # Other work on the machine inflates the times: compare runs made under similar load.
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = Path(args.output) if args.output else RESULTS_DIR / f"bench-{started:%Y-%m-%d-%H%M%S}.json"
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(_table(report))
    print(f"\nResults written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
