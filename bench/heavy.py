"""The heavy requests of issue 16 at city size: the staff list's export and a bulk import.

    .venv/bin/python bench/heavy.py                  # after `make bench-load` (it runs this too)
    .venv/bin/python bench/heavy.py --database groupschool_load_city --rows 10000

On the load benchmark's database (bench/load.py builds and keeps `groupschool_load_city`: about
30,000 staff), each case in a fresh process with production settings (DEBUG=0), through Django's
test client as a browser would ask:

- export: the staff list's Excel export (`/staff/?_export=xlsx`) as `bureau`, every row, and the
  CSV one; the response consumed as a client reads it. Time to the last byte, and the process's
  peak resident memory before the request (after a warm-up export of no row) and after
  (`ru_maxrss`): flat memory means the growth does not follow the rows. `--compare` adds the same
  export built whole (`streamed_export = False`, django-tables2's tablib export: before);
- import: the staff import of the admin (`admin:staff_staffmember_import`, as `admin`) of an
  Excel sheet of `--rows` new staff members with one bad row (an unknown campus code, in the
  sheet's middle): the time to the answer, whether it names the row and the column, and that
  nothing was written; with `--good-preview`, also the preview of the same sheet without the bad
  row (new rows counted, nothing written, the import offered for confirmation).

Writes `bench/results/heavy-<date>-<time>.json` with the targets (export < 2 s at 30,000 rows,
import < 10 s) met or not, and the load average.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TARGETS = {"export_s": 2.0, "import_s": 10.0}


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, and the response's template context


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def case_export(export_format: str, streamed: bool) -> dict:
    _setup()
    from staff.models import StaffMember
    from staff.views import StaffMemberListView

    StaffMemberListView.streamed_export = streamed
    client = _client("bureau")

    def export(query: dict) -> tuple[int, bytes]:
        response = client.get("/staff/", {**query, "_export": export_format})
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, content

    export({"q": "没有这个人"})  # warm-up: imports, templates, the first query
    rss_before = _rss_mb()
    start = time.perf_counter()
    status, content = export({})
    seconds = time.perf_counter() - start
    rss_after = _rss_mb()
    if export_format == "csv":
        rows = content.decode().count("\n") - 1
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    return {
        "format": export_format,
        "streamed": streamed,
        "status": status,
        "rows": rows,
        "staff": StaffMember.objects.count(),
        "bytes": len(content),
        "seconds": round(seconds, 3),
        "peak_rss_mb_before": rss_before,
        "peak_rss_mb_after": rss_after,
        "peak_rss_growth_mb": round(rss_after - rss_before, 1),
    }


def case_import(rows: int, good: bool = False) -> dict:
    _setup()
    import tablib
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from campuses.models import Campus
    from staff.models import StaffMember

    codes = list(Campus.objects.order_by("id").values_list("code", flat=True)[:200])
    bad = 0 if good else rows // 2 + 1  # the sheet's row under the header, counted from 1
    data = tablib.Dataset(
        headers=("staff_number", "name", "gender", "subject", "home_campus", "on_campus_since")
    )
    for n in range(1, rows + 1):
        campus = "no-such-campus" if n == bad else codes[n % len(codes)]
        data.append((f"IMP{n:06d}", f"导入{n}", "F" if n % 2 else "M", "maths", campus, "2020-09-01"))
    content = data.export("xlsx")
    client = _client("admin")
    before = StaffMember.objects.count()
    start = time.perf_counter()
    response = client.post(
        reverse("admin:staff_staffmember_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("staff.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    seconds = time.perf_counter() - start
    result = response.context["result"] if response.context else None
    invalid = [(row.number, row.error_dict) for row in result.invalid_rows] if result else []
    page = response.content.decode()
    return {
        "rows": rows,
        "bad_row": bad or None,
        "status": response.status_code,
        "seconds": round(seconds, 3),
        "invalid_rows": [{"row": number, "errors": errors} for number, errors in invalid],
        "names_row_and_column": None
        if good
        else [number for number, _ in invalid] == [bad]
        and any("home_campus" in column for column in invalid[0][1])
        and "no-such-campus" in page,
        "new_rows_previewed": result.totals["new"] if result else None,
        "written": StaffMember.objects.count() - before,
        "confirmable": "confirm_form" in (response.context or {}),
        "peak_rss_mb": _rss_mb(),
    }


def _child(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"bench/heavy.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-3000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(args) -> dict:
    base = args.postgres_url.rsplit("/", 1)[0]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_"))},
        "DATABASE_URL": f"{base}/{args.database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
    }
    # Production settings serve hashed static files: the pages need the manifest.
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="groupschool-heavy-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    load_before = [round(x, 2) for x in os.getloadavg()]
    exports = []
    for export_format in ("xlsx", "csv"):
        for streamed in (True, False) if args.compare else (True,):
            exports.append(_child(env, "export", export_format, str(streamed)))
            print(f"export {exports[-1]}", flush=True)
    imported = _child(env, "import", str(args.rows)) if args.rows else None
    print(f"import {imported}", flush=True)
    previewed = _child(env, "import", str(args.rows), "good") if args.rows and args.good_preview else None
    if previewed:
        print(f"preview of a good sheet {previewed}", flush=True)
    shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)
    xlsx = next(e for e in exports if e["format"] == "xlsx" and e["streamed"])
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": args.database,
        "exports": exports,
        "import": imported,
        "preview_of_a_good_sheet": previewed,
        "targets": {
            "export_xlsx_s": {
                "target": f"< {TARGETS['export_s']}",
                "value": xlsx["seconds"],
                "rows": xlsx["rows"],
                "met": xlsx["seconds"] < TARGETS["export_s"],
            },
            "export_memory_flat": {
                "value_mb": xlsx["peak_rss_growth_mb"],
                "met": xlsx["peak_rss_growth_mb"] < 40,  # 3,400 rows: +19 MB; whole (before): +230 MB
            },
            **(
                {
                    "import_s": {
                        "target": f"< {TARGETS['import_s']}",
                        "value": imported["seconds"],
                        "met": imported["seconds"] < TARGETS["import_s"],
                    },
                    "import_names_row_and_column_and_writes_nothing": {
                        "met": imported["names_row_and_column"] and imported["written"] == 0
                    },
                }
                if imported
                else {}
            ),
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": load_before,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        kind, *rest = sys.argv[2:]
        if kind == "export":
            result = case_export(rest[0], rest[1] == "True")
        else:
            result = case_import(int(rest[0]), good=rest[1:] == ["good"])
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="groupschool_load_city")
    parser.add_argument("--rows", type=int, default=10000, help="rows of the imported sheet (0: no import)")
    parser.add_argument(
        "--good-preview",
        action="store_true",
        help="also the preview of the same sheet without its bad row (writes nothing either)",
    )
    parser.add_argument("--compare", action="store_true", help="also the export built whole (before)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--output", help="default bench/results/heavy-<date>-<time>.json")
    args = parser.parse_args()
    report = run(args)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = (
        Path(args.output)
        if args.output
        else RESULTS_DIR / (f"heavy-{datetime.datetime.now().strftime('%Y-%m-%d-%H%M%S')}.json")
    )
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    for name, target in report["targets"].items():
        print(f"{name}: {target} — {'met' if target['met'] else 'not met'}")
    machine = report["machine"]
    print(f"load average {machine['load_average_at_start']} → {machine['load_average_at_end']}")
    print(f"written to {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}")


if __name__ == "__main__":
    main()
