"""The load benchmark: `make bench-load` (or `.venv/bin/python bench/load.py --help`).

100 signed-in users for 60 s against gunicorn on PostgreSQL, on loopback only:

1. uses the database `groupschool_load_city` (BENCH_POSTGRES_URL names the server, default
   `postgres://postgres@127.0.0.1:5432/postgres`): reused when its data was built for the same
   size (the table `bench_load_built` says so), else built (`--fresh` rebuilds; `--drop` drops it
   at the end);
2. to build: migrates it, loads the plan's data and the demo accounts, and generates city-size
   demo data with `manage.py generate_demo` (seed 1): 300 schools at 57 staff per campus (about
   30,000 staff) and the assessment workload of 300 schools × 30 indicators × 5 evaluators (about
   45,000 scores), whose results it computes once so that the ranking table has rows;
3. serves the portal with gunicorn on 127.0.0.1 (a free port), production settings (DEBUG=0,
   static files collected and served by WhiteNoise), except the three that need TLS, which a
   loopback benchmark has not: SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE off;
   sync workers, 2 × CPUs + 1 (gunicorn's rule; 5 on the 2-core machine);
4. runs locust headless as a library (bench/load_users.py): 50 viewers (`bureau`), 20 evaluators
   (`supervisor`) and 30 vice-principals (one campus each), signed in, working with 1–3 s of
   think time — dashboard, staff list with filters, staff page, ranking table, campus page,
   rotation list, score grid, and score saves (CSRF, optimistic-concurrency version) — for
   `--duration` seconds after the last user started;
5. writes `bench/results/load-<date>-<time>.json`: requests, errors, rps, p50/p95/p99 for page
   views and for saves (client-side, in ms; `p95_ms_views`, `p95_ms_saves`), per kind of user
   and request, per page, the server-side times from gunicorn's access log, each target with its
   figure and met or not (0 errors, p95 under 100 ms for page views and 150 ms for saves), and
   the machine's load average before and during the run.

Locust is the `bench` extra of pyproject.toml; this script installs it when it is missing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
TARGETS = {"errors": 0, "p95_ms_views": 100, "p95_ms_saves": 150}
CITY = {"schools": 300, "staff_per_campus": 57, "assessment_schools": 300, "indicators": 30, "evaluators": 5}
#: The demo vice-principals (groupschool/demo_accounts.py), each of one campus.
VICE_PRINCIPALS = {"vp-hongqi": "hongqi", "vp-longxiang": "longxiang", "vp-taojiang": "taojiang"}


def _log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def _require_locust() -> str:
    check = [sys.executable, "-c", "import locust; print(locust.__version__)"]
    found = subprocess.run(check, capture_output=True, text=True)
    if found.returncode != 0:
        _log("locust is not installed: installing the `bench` extra (pip install -e '.[bench]')")
        install = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "-e", ".[bench]"], cwd=BASE_DIR
        )
        found = subprocess.run(check, capture_output=True, text=True)
        if install.returncode != 0 or found.returncode != 0:
            sys.exit(
                "bench-load needs locust: `.venv/bin/pip install -e '.[bench]'` (PyPI must be reachable)."
            )
    return found.stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    if len(values) == 1:
        return {"p50_ms": values[0], "p95_ms": values[0], "p99_ms": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1)}


def _summary(rows: list[tuple], duration: float) -> dict:
    times = [row[1] for row in rows]
    errors = sum(1 for row in rows if row[2])
    return {
        "requests": len(rows),
        "errors": errors,
        "rps": round(len(rows) / duration, 1) if duration else None,
        **_percentiles(times),
        "max_ms": round(max(times), 1) if times else None,
    }


class Database:
    """The throw-away database, made and dropped through the server's `postgres` database."""

    def __init__(self, admin_url: str, name: str):
        import psycopg2

        self.psycopg2 = psycopg2
        self.admin_url = admin_url
        self.name = name
        base = admin_url.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def exists(self) -> bool:
        conn = self.psycopg2.connect(self.admin_url)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
                return cursor.fetchone() is not None
        finally:
            conn.close()

    def built_for(self) -> dict | None:
        """The size the data was built for (`_build`'s last step writes it), or None when the
        database is missing or its build did not finish."""
        if not self.exists():
            return None
        try:
            rows = self.query("SELECT size FROM bench_load_built")
        except self.psycopg2.Error:
            return None
        return json.loads(rows[0][0]) if rows else None

    def _admin(self, sql: str) -> None:
        conn = self.psycopg2.connect(self.admin_url)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()

    def create(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def execute(self, sql: str) -> None:
        conn = self.psycopg2.connect(self.url)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()

    def query(self, sql: str, params=None) -> list[tuple]:
        conn = self.psycopg2.connect(self.url)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            conn.close()


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _database_name(size: dict) -> str:
    """`groupschool_load_city` for the default size, else a name that spells the size out."""
    if size == CITY:
        return "groupschool_load_city"
    return "groupschool_load_" + "_".join(str(size[key]) for key in sorted(size))


def _build(db: Database, env: dict, size: dict) -> float:
    """Schema, plan data, demo accounts, city-size demo data, the results computed once; the size
    written last into `bench_load_built`, so that a build cut short is never reused. Returns the
    seconds generate_demo took."""
    _log(f"migrating {db.name}")
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "load_plan_data")
    _manage(env, "create_demo_accounts")
    _log(
        f"generate_demo: {size['schools']} schools × {size['staff_per_campus']} staff per campus, "
        f"assessment workload {size['assessment_schools']} schools × {size['indicators']} indicators "
        f"× {size['evaluators']} evaluators"
    )
    start = time.perf_counter()
    _manage(
        env,
        "generate_demo",
        "--schools",
        str(size["schools"]),
        "--staff-per-campus",
        str(size["staff_per_campus"]),
        "--assessment-schools",
        str(size["assessment_schools"]),
        "--indicators",
        str(size["indicators"]),
        "--evaluators",
        str(size["evaluators"]),
        "--seed",
        "1",
    )
    generate_s = time.perf_counter() - start
    # Statistics for the planner, as autovacuum gathers them after a load in production (without
    # them, PostgreSQL plans the computation's INSERT … SELECT as if every table had one row).
    db.execute("ANALYZE")
    ((scheme,),) = db.query(
        "SELECT id FROM evaluation_scheme WHERE name LIKE %s ORDER BY id DESC LIMIT 1",
        [f"评估基准：{size['assessment_schools']}校×%"],
    )
    _log(f"computing the results of scheme {scheme} (the ranking table's rows)")
    _manage(env, "compute_results", str(scheme))
    db.execute(
        "CREATE TABLE bench_load_built (size text NOT NULL, generate_s double precision NOT NULL); "
        f"INSERT INTO bench_load_built VALUES ('{json.dumps(size, sort_keys=True)}', {generate_s})"
    )
    return generate_s


def _score_versions(db: Database, scheme: int) -> dict[str, dict[str, int]]:
    versions: dict[str, dict[str, int]] = defaultdict(dict)
    for evaluatee, indicator, version in db.query(
        """SELECT s.evaluatee_id, s.indicator_id, s.version FROM evaluation_score s
           JOIN auth_user u ON u.id = s.evaluator_id JOIN evaluation_indicator i ON i.id = s.indicator_id
           WHERE u.username = 'supervisor' AND i.scheme_id = %s""",
        [scheme],
    ):
        versions[str(evaluatee)][str(indicator)] = version
    return versions


def _prepare(db: Database, env: dict, size: dict, fresh: bool) -> dict:
    """The data, built or reused; returns what the users need."""
    built = None if fresh else db.built_for()
    if built == size:
        _log(f"reusing {db.name} (built for this size; --fresh rebuilds it): migrating it")
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "create_demo_accounts")
        generate_s = db.query("SELECT generate_s FROM bench_load_built")[0][0]
        reused = True
    else:
        _log(f"creating the database {db.name}")
        db.create()
        generate_s = _build(db, env, size)
        reused = False
    ((scheme,),) = db.query(
        "SELECT id FROM evaluation_scheme WHERE name LIKE %s ORDER BY id DESC LIMIT 1",
        [f"评估基准：{size['assessment_schools']}校×%"],
    )
    counts = dict(
        zip(
            ("schools", "campuses", "staff", "scores", "evaluatees"),
            db.query(
                """SELECT (SELECT COUNT(*) FROM campuses_school), (SELECT COUNT(*) FROM campuses_campus),
                          (SELECT COUNT(*) FROM staff_staffmember), (SELECT COUNT(*) FROM evaluation_score),
                          (SELECT COUNT(*) FROM evaluation_evaluatee WHERE scheme_id = %s)""",
                [scheme],
            )[0],
            strict=True,
        )
    )
    return {
        "scheme": scheme,
        "password": _manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            "from groupschool.demo_accounts import DEMO_PASSWORD; print(DEMO_PASSWORD)",
        )
        .strip()
        .splitlines()[-1],
        "evaluatees": [
            r[0]
            for r in db.query(
                "SELECT id FROM evaluation_evaluatee WHERE scheme_id = %s ORDER BY code", [scheme]
            )
        ],
        "peer_categories": [
            r[0]
            for r in db.query(
                "SELECT DISTINCT peer_category_id FROM evaluation_evaluatee WHERE scheme_id = %s "
                "AND peer_category_id IS NOT NULL ORDER BY 1",
                [scheme],
            )
        ],
        "indicators": [
            [pk, float(points)]
            for pk, points in db.query(
                """SELECT i.id, i.max_points FROM evaluation_indicator i WHERE i.scheme_id = %s
                   AND i.kind = 'scored' AND NOT EXISTS
                   (SELECT 1 FROM evaluation_indicator c WHERE c.parent_id = i.id) ORDER BY i.id""",
                [scheme],
            )
        ],
        # Staff pages: a fixed sample of 2,000 staff members (by id order, every n-th).
        "staff_ids": [
            r[0]
            for r in db.query(
                "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM staff_staffmember) s "
                "WHERE n % GREATEST(1, (SELECT COUNT(*) FROM staff_staffmember) / 2000) = 0 LIMIT 2000"
            )
        ],
        # The versions of the cells `supervisor` saved in earlier runs on this database, which a
        # save must carry (optimistic concurrency): per evaluatee, per indicator.
        "score_versions": _score_versions(db, scheme),
        # Vice-principals: their campus, and a sample of its staff for the staff pages.
        "vice_principals": {
            username: {
                "campus": campus,
                "staff_ids": [
                    r[0]
                    for r in db.query(
                        "SELECT id FROM staff_staffmember WHERE home_campus_id = %s ORDER BY id LIMIT 200",
                        [campus],
                    )
                ],
            }
            for username, code in VICE_PRINCIPALS.items()
            for (campus,) in db.query("SELECT id FROM campuses_campus WHERE code = %s", [code])
        },
        "counts": counts,
        "generate_s": round(generate_s, 1),
        "reused": reused,
    }


_SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
keys = {}
for username, n in json.loads('%s').items():
    user = get_user_model().objects.get(username=username)
    keys[username] = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        keys[username].append(client.cookies["sessionid"].value)
print(json.dumps(keys))
"""


def user_counts(users: int) -> dict[str, int]:
    """How the users divide (bench/load_users.py divides them the same way): a fifth evaluators
    (`supervisor`), three tenths vice-principals (the three demo ones in turn), the rest viewers
    (`bureau`)."""
    evaluators = max(1, users // 5)
    vice_principals = min(users - evaluators, users * 3 // 10)
    return {
        "viewers": users - evaluators - vice_principals,
        "evaluators": evaluators,
        "vice_principals": vice_principals,
    }


def _sessions(env: dict, users: int) -> dict[str, list[str]]:
    """One signed-in session per virtual user, made with the server's SECRET_KEY."""
    counts = user_counts(users)
    wanted = {"bureau": counts["viewers"], "supervisor": counts["evaluators"]}
    for n, username in enumerate(VICE_PRINCIPALS):
        wanted[username] = -(-(counts["vice_principals"] - n) // len(VICE_PRINCIPALS))
    wanted = json.dumps({name: n for name, n in wanted.items() if n > 0})
    output = _manage(env, "shell", "-v", "0", "-c", _SESSIONS % wanted)
    return json.loads(output.strip().splitlines()[-1])


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def _server_times(access_log: Path, since: float, until: float) -> dict:
    """Server-side durations from gunicorn's access log, per class, in the measured window."""
    classes: dict[str, list[float]] = defaultdict(list)
    for line in access_log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 6:
            continue
        day, zone, method, path, _status, micros = parts
        try:
            moment = datetime.datetime.strptime(f"{day} {zone}", "[%d/%b/%Y:%H:%M:%S %z]").timestamp()
            duration = int(micros) / 1000
        except ValueError:
            continue
        if not since <= moment <= until or path.startswith("/accounts/login"):
            continue
        classes["saves" if method == "POST" else "views"].append(duration)
    return {name: {"requests": len(values), **_percentiles(values)} for name, values in classes.items()}


class _PostgresRestart(threading.Thread):
    """The PostgreSQL restart drill: `after` seconds into the load, restart the server with
    `command` and note when it began and ended (the web processes are not touched)."""

    def __init__(self, command: str, after: float):
        super().__init__(daemon=True)
        self.command, self.after = command, after
        self.began = self.ended = None
        self.returncode, self.output = None, ""

    def run(self) -> None:
        time.sleep(self.after)
        _log(f"restarting PostgreSQL: {self.command}")
        self.began = time.time()
        result = subprocess.run(self.command, shell=True, capture_output=True, text=True)
        self.ended = time.time()
        self.returncode, self.output = result.returncode, (result.stdout + result.stderr)[-500:]
        _log(f"PostgreSQL restart took {self.ended - self.began:.1f} s (exit status {self.returncode})")


def _default_restart_command() -> str:
    """Debian's way to restart the local cluster on 5432 (`pg_lsclusters`), else systemd's."""
    found = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    for line in found.stdout.splitlines() if found.returncode == 0 else []:
        version, cluster, port, *_ = line.split()
        if port == "5432":
            return f"pg_ctlcluster {version} {cluster} restart"
    return "systemctl restart postgresql"


def _drill_report(drill: _PostgresRestart, rows: list[tuple]) -> dict:
    """Requests before, during and after the restart: during the outage they must fail fast
    with the 503 page, and once the server is back succeed again with the same web processes."""
    if drill.began is None:
        return {"command": drill.command, "ran": False, "note": "the load ended before the restart time"}
    back = drill.ended + 1  # requests still in flight when the server came back: a second's grace
    before = [r for r in rows if r[3] < drill.began]
    outage = [r for r in rows if drill.began <= r[3] <= back]
    after = [r for r in rows if r[3] > back]
    failed = [r for r in outage if r[2]]
    statuses: dict[str, int] = defaultdict(int)
    for r in failed:
        status = re.search(r"answered (\d{3})", r[2])
        statuses[status.group(1) if status else r[2][:60]] += 1
    return {
        "command": drill.command,
        "ran": True,
        "exit_status": drill.returncode,
        "restart_s": round(drill.ended - drill.began, 2),
        "before": {"requests": len(before), "errors": sum(1 for r in before if r[2])},
        "outage": {
            "requests": len(outage),
            "errors": len(failed),
            "failed_responses": dict(statuses),
            "slowest_failed_ms": round(max((r[1] for r in failed), default=0), 1),
        },
        "after": {
            "requests": len(after),
            "errors": sum(1 for r in after if r[2]),
            "error_examples": sorted({r[2] for r in after if r[2]})[:5],
        },
    }


def run(args: argparse.Namespace) -> dict:
    locust_version = _require_locust()
    load_before = [round(x, 2) for x in os.getloadavg()]
    sys.path.insert(0, str(BASE_DIR))
    size = {**CITY, **{k: v for k, v in vars(args).items() if k in CITY and v is not None}}
    db = Database(args.postgres_url, args.database or _database_name(size))
    workdir = Path(tempfile.mkdtemp(prefix="groupschool-load-"))
    gunicorn = None
    try:
        base_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_"))},
            "DATABASE_URL": db.url,
            "LOG_LEVEL": "WARNING",
        }
        setup_env = {**base_env, "DEBUG": "1"}
        context = _prepare(db, setup_env, size, args.fresh)
        context_file = workdir / "context.json"
        context_file.write_text(json.dumps(context))
        _log(
            "data: {schools} schools, {campuses} campuses, {staff} staff, {scores} scores".format(
                **context["counts"]
            )
        )

        # Production settings, on loopback without TLS.
        port = _free_port()
        serve_env = {
            **base_env,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(workdir / "static"),
        }
        _manage(serve_env, "collectstatic", "--noinput", "-v", "0")
        if args.sign_in == "session":
            context["sessions"] = _sessions(serve_env, args.users)
            context_file.write_text(json.dumps(context))
        workers = args.workers or 2 * (os.cpu_count() or 1) + 1
        access_log = workdir / "access.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "groupschool.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={args.threads}",
            "--timeout=60",
            f"--access-logfile={access_log}",
            # time, method, path, status, duration in µs
            "--access-logformat=%(t)s %(m)s %(U)s %(s)s %(D)s",
        ]
        _log(f"gunicorn: {workers} workers × {args.threads} thread(s) on 127.0.0.1:{port}")
        gunicorn = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=serve_env,
            stdout=subprocess.DEVNULL,
            stderr=workdir.joinpath("gunicorn.err").open("w"),
        )
        host = f"http://127.0.0.1:{port}"
        _wait_for(f"{host}/healthz", 60)

        samples_file = workdir / "samples.json"
        _log(f"{args.users} users (locust {locust_version}) for {args.duration} s")
        load_env = {**os.environ, "BENCH_LOAD_CONTEXT": str(context_file)}
        load_before_users = [round(x, 2) for x in os.getloadavg()]
        sampler = _LoadSampler()
        sampler.start()
        started = time.time()
        drill = None
        if args.restart_postgres_after is not None:
            drill = _PostgresRestart(args.restart_command, args.restart_postgres_after)
            drill.start()
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "bench" / "load_users.py"),
                f"--host={host}",
                f"--users={args.users}",
                f"--spawn-rate={args.spawn_rate}",
                f"--duration={args.duration}",
                f"--samples={samples_file}",
            ],
            cwd=BASE_DIR,
            env=load_env,
            check=True,
            timeout=args.duration + 180,
        )
        load = json.loads(samples_file.read_text())
        sampler.stop.set()
        if drill is not None:
            drill.join()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        gunicorn = None
    finally:
        if gunicorn is not None:
            gunicorn.kill()
            gunicorn.wait()
        if args.drop:
            _log(f"dropping {db.name}")
            db.drop()

    duration = load["duration_s"]
    rows = [tuple(r) for r in load["samples"]]
    views = [r for r in rows if r[0].startswith("view")]
    saves = [r for r in rows if r[0].startswith("save")]
    # Per kind of user and request: "view bureau: …", "view vice-principal: …", "save supervisor: …".
    kinds = {
        kind: _summary([r for r in rows if r[0].split(":", 1)[0] == kind], duration)
        for kind in sorted({r[0].split(":", 1)[0] for r in rows if r[0].startswith(("view ", "save "))})
    }
    total, view_stats, save_stats = (
        _summary(rows, duration),
        _summary(views, duration),
        _summary(saves, duration),
    )
    pages = {}
    for name in sorted({r[0] for r in rows}):
        pages[name] = _summary([r for r in rows if r[0] == name], duration)
    error_examples = sorted({row[2] for row in rows if row[2]})[:10]
    server = _server_times(access_log, load["window"][0] - 1, load["window"][1] + 1)
    shutil.rmtree(workdir, ignore_errors=True)
    report = {
        **({"postgres_restart": _drill_report(drill, rows)} if drill is not None else {}),
        "requests": total["requests"],
        "errors": total["errors"],
        "rps": total["rps"],
        "duration_s": duration,
        "users": load["users"],
        "p50_ms_views": view_stats["p50_ms"],
        "p95_ms_views": view_stats["p95_ms"],
        "p99_ms_views": view_stats["p99_ms"],
        "p50_ms_saves": save_stats["p50_ms"],
        "p95_ms_saves": save_stats["p95_ms"],
        "p99_ms_saves": save_stats["p99_ms"],
        "views": view_stats,
        "saves": save_stats,
        "kinds": kinds,
        "pages": pages,
        "server_side": server,
        "error_examples": error_examples,
        "sign_ins": {
            **_summary([tuple(r) for r in load["logins"]], duration),
            "error_examples": sorted({r[2] for r in load["logins"] if r[2]})[:5],
        },
        "targets": _targets(total["errors"], view_stats["p95_ms"], save_stats["p95_ms"]),
        "meta": {
            "started_at": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(
                timespec="seconds"
            ),
            "tool": f"locust {locust_version} (headless, as a library; FastHttpUser), think time 1-3 s",
            "viewers": load["viewers"],
            "evaluators": load["evaluators"],
            "vice_principals": load["vice_principals"],
            "server": f"gunicorn, {workers} sync workers × {args.threads} thread(s), DEBUG=0, loopback",
            "database": f"PostgreSQL, {db.name} ({'reused' if context['reused'] else 'built'}, "
            f"{'dropped' if args.drop else 'kept'})",
            "data": {**context["counts"], "generate_s": context["generate_s"]},
            "size": size,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # The machine's other work competes with the server and the users for the CPUs.
            "load_average_at_start": load_before,
            "load_average_before_users": load_before_users,
            # The 1-minute load average every 5 s while the users worked (ours included: the
            # server, PostgreSQL and the client take about 2 of it on their own).
            "load_average_1min_during": sampler.values,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    return report


def _targets(errors: int, p95_views: float | None, p95_saves: float | None) -> dict:
    """Each target with its figure and whether it is met, then whether all are."""
    figures = {"errors": errors, "p95_ms_views": p95_views, "p95_ms_saves": p95_saves}
    targets = {
        name: {
            "target": f"= {limit}" if name == "errors" else f"< {limit}",
            "value": figures[name],
            "met": figures[name] == limit if name == "errors" else (figures[name] or 0) < limit,
        }
        for name, limit in TARGETS.items()
    }
    return {**targets, "met": all(target["met"] for target in targets.values())}


class _LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 5 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.values: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.values.append(round(os.getloadavg()[0], 2))
            self.stop.wait(5)


def _print_table(report: dict) -> None:
    def line(label: str, stats: dict) -> None:
        cells = [stats.get(key) for key in ("p50_ms", "p95_ms", "p99_ms")]
        print(
            f"{label:<30} {stats['requests']:>8} {stats.get('errors', ''):>6} {stats.get('rps') or '':>6} "
            + " ".join(f"{'' if c is None else c:>7}" for c in cells)
        )

    print()
    print(f"{'':<30} {'requests':>8} {'errors':>6} {'rps':>6} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    line("all (client-side)", {k: report[k] for k in ("requests", "errors", "rps")})
    line("page views", report["views"])
    line("saves", report["saves"])
    for name, stats in report["kinds"].items():
        line(f" {name}", stats)
    for name, stats in report["pages"].items():
        line(f"  {name}", stats)
    for name, stats in report["server_side"].items():
        line(f"server-side {name}", stats)
    print()
    for name, target in report["targets"].items():
        if name != "met":
            verdict = "met" if target["met"] else "not met"
            print(f"target {name} {target['target']}: {target['value']} — {verdict}")
    meta = report["meta"]
    during = meta["load_average_1min_during"] or [None]
    print(
        f"load average before the users {meta['load_average_before_users']}, "
        f"1-minute during {min(during)}–{max(during)}"
    )
    for example in report["error_examples"]:
        print(f"  error: {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (default 60)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 × CPUs + 1)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--schools", type=int, help=f"demo schools (default {CITY['schools']})")
    parser.add_argument("--staff-per-campus", type=int, help=f"default {CITY['staff_per_campus']}")
    parser.add_argument("--assessment-schools", type=int, help=f"default {CITY['assessment_schools']}")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="the server's maintenance database (BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--sign-in",
        choices=("session", "form"),
        default="session",
        help="session (default): users start signed in (sessions made beforehand); form: each signs in "
        "through the login form first (password hashing: seconds of CPU for 50 users)",
    )
    parser.add_argument(
        "--restart-postgres-after",
        type=float,
        metavar="SECONDS",
        help="the PostgreSQL restart drill: restart the server this many seconds after the users start "
        "(their sign-in takes about 8 s) and report the requests during and after the outage; the "
        "targets do not apply to such a run",
    )
    parser.add_argument(
        "--restart-command",
        help="how to restart PostgreSQL (default: pg_ctlcluster of the cluster on 5432, else systemctl)",
    )
    parser.add_argument(
        "--database",
        help="the database's name (default groupschool_load_city, or a name spelling the size out): "
        "reused when its data was built for the same size, else built",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if it exists")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--output", help="the JSON file (default bench/results/load-<date>-<time>.json)")
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.settimeout(2)
        if sock.connect_ex(("127.0.0.1", 5432)) != 0 and "127.0.0.1:5432" in args.postgres_url:
            sys.exit(
                "PostgreSQL does not answer on 127.0.0.1:5432: bench-load needs it (BENCH_POSTGRES_URL)."
            )
    if args.restart_postgres_after is not None and not args.restart_command:
        args.restart_command = _default_restart_command()
    report = run(args)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output = (
        Path(args.output)
        if args.output
        else RESULTS_DIR
        / (
            ("load-postgres-restart-" if args.restart_postgres_after is not None else "load-")
            + f"{datetime.datetime.now().strftime('%Y-%m-%d-%H%M%S')}.json"
        )
    )
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    _print_table(report)
    if "postgres_restart" in report:
        drill = json.dumps(report["postgres_restart"], indent=2, ensure_ascii=False)
        print(f"PostgreSQL restart drill: {drill}")
    print(f"written to {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}")


if __name__ == "__main__":
    main()
