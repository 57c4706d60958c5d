"""Container health checks: exit 0 when the process is healthy, 1 (with the reason) otherwise.

    python docker/healthcheck.py web [URL]     # /healthz answers ok (database and broker)
    python docker/healthcheck.py worker [NODE] # the Celery worker answers a ping over the broker
    python docker/healthcheck.py beat          # beat runs, its schedule is in the database, the
                                               # broker it sends to answers

docker-compose.yml and the Dockerfile call it; tests/e2e/test_processes_smoke.py runs it against
real processes. `web` needs nothing but the standard library, so it stays fast.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def host_header() -> str:
    """A name Django's ALLOWED_HOSTS accepts: the first one configured (".example.org" stands for
    example.org and its subdomains), or the loopback address when any host is allowed."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "127.0.0.1"


def check_web(url: str = DEFAULT_URL) -> str | None:
    request = urllib.request.Request(url, headers={"Host": host_header(), "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310 - fixed local URL
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}: {exc.read(300).decode(errors='replace')}"
    except (OSError, ValueError) as exc:
        return f"{url} unreachable: {exc}"
    if body.get("status") != "ok":
        return f"{url} reports {body}"
    return None


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def check_worker(node: str | None = None) -> str | None:
    _django()
    from groupschool.celery import app

    node = node or f"celery@{socket.gethostname()}"
    replies = app.control.ping(destination=[node], timeout=5)
    if not any(node in reply for reply in replies):
        return f"worker {node} did not answer a ping"
    return None


def _beat_running() -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            cmdline.parent.name != str(os.getpid())
            and b"beat" in words
            and any(b"celery" in w for w in words)
        ):
            return True
    return False


def check_beat() -> str | None:
    if not _beat_running():
        return "no celery beat process is running"
    _django()
    from django.conf import settings
    from django_celery_beat.models import PeriodicTask

    from groupschool.health import _broker

    missing = set(settings.CELERY_BEAT_SCHEDULE) - set(
        PeriodicTask.objects.filter(name__in=list(settings.CELERY_BEAT_SCHEDULE)).values_list(
            "name", flat=True
        )
    )
    if missing:
        return f"beat has not written its schedule to the database yet: {', '.join(sorted(missing))}"
    broker = _broker()
    if broker not in {"ok", "in-process"}:
        return f"broker: {broker}"
    return None


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in CHECKS:
        print(f"usage: healthcheck.py {{{'|'.join(CHECKS)}}} [argument]", file=sys.stderr)
        return 2
    problem = CHECKS[argv[0]](*argv[1:2])
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
