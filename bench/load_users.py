"""The signed-in users of `make bench-load` (locust; bench/load.py starts this file).

Two kinds of user, each signed in — with a session bench/load.py made beforehand, or through the
login form (`bench/load.py --sign-in form`) — then working with a think time of 1–3 s between
requests (`between(1, 3)`):

- viewers (`bureau`, four in five users): the dashboard, the staff list with filters, a staff
  member's page and the ranking table (results of the assessment scheme), mixed 3 : 4 : 3 : 3;
- evaluators (`supervisor`, one in five): score saves through the score grid's save endpoint
  (CSRF header, the optimistic-concurrency version of the cell) and now and then the grid page.
  Each evaluator user saves its own evaluatee's cells, so saves never collide (a collision is a
  409 by design, which this benchmark would count as an error).

Run by bench/load.py as `python bench/load_users.py --host … --samples …` with
BENCH_LOAD_CONTEXT naming the context file (scheme, evaluatees, indicators, staff ids,
sessions): it runs locust as a library, headless, spawns every user, waits until all have
signed in, then records every request for `--duration` seconds into the samples file (name,
milliseconds, error, time it ended). By hand, `locust -f bench/load_users.py` works too, with the
same variable.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from pathlib import Path

from locust import FastHttpUser, between, events, task

_CONTEXT_FILE = os.environ.get("BENCH_LOAD_CONTEXT", "")
#: What bench/load.py found in the database: scheme, evaluatees, indicators, staff ids, password.
CONTEXT: dict = json.loads(Path(_CONTEXT_FILE).read_text()) if _CONTEXT_FILE else {}
_slots = itertools.count()
_sessions: dict[str, itertools.count] = {}
_vp_slots = itertools.count()
_ready: list[str] = []  # users whose on_start has finished
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
    )


#: Staff list queries: filters, a search, later pages.
STAFF_QUERIES = (
    "",
    "?subject=maths",
    "?subject=chinese&professional_title=first",
    "?professional_title=senior&is_active=true",
    "?post_type=teacher&page=3",
    "?q=王",
    "?q=李&subject=english",
    "?page=12",
)


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def on_start(self):
        self.sign_in()
        self.prepare()
        _ready.append(self.username)

    def prepare(self) -> None:
        pass

    def sign_in(self) -> None:
        sessions = CONTEXT.get("sessions", {}).get(self.username)
        if sessions:
            # Signed in beforehand (bench/load.py): a session of this user, one per virtual user.
            host = self.host.split("://", 1)[1].split(":", 1)[0]
            self.client.cookiejar.set_cookie(
                _cookie(
                    "sessionid",
                    sessions[next(_sessions.setdefault(self.username, itertools.count())) % len(sessions)],
                    host,
                )
            )
            return
        page = self.client.get("/accounts/login/", name="sign-in: login page")
        match = _CSRF_INPUT.search(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": CONTEXT.get("password", ""),
                "csrfmiddlewaretoken": match.group(1) if match else self.csrf_token(),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="sign-in: login form",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {self.username} answered {response.status_code}")

    #: The kind of user in the names of its requests: "view bureau: dashboard".
    kind = ""

    def view(self, path: str, name: str) -> None:
        # A redirect is an error here: to the login page, it would mean the session was lost.
        with self.client.get(
            path, name=f"view {self.kind}: {name}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")


class Viewer(PortalUser):
    username = "bureau"
    kind = "bureau"
    weight = 4

    @task(3)
    def dashboard(self):
        self.view("/", "dashboard")

    @task(4)
    def staff_list(self):
        self.view("/staff/" + random.choice(STAFF_QUERIES), "staff list (filters)")

    @task(3)
    def staff_page(self):
        self.view(f"/staff/{random.choice(CONTEXT['staff_ids'])}/", "staff page")

    @task(3)
    def ranking(self):
        query = random.choice(
            ("", "?page=2", "?band=excellent", f"?peer_category={random.choice(CONTEXT['peer_categories'])}")
        )
        self.view(f"/evaluation/{CONTEXT['scheme']}/results/{query}", "ranking table")


class VicePrincipal(PortalUser):
    """A campus's vice-principal (the three demo ones in turn): their campus's pages."""

    kind = "vice-principal"
    weight = 3

    def on_start(self):
        names = sorted(CONTEXT["vice_principals"])
        self.username = names[next(_vp_slots) % len(names)]
        self.campus = CONTEXT["vice_principals"][self.username]
        super().on_start()

    @task(3)
    def dashboard(self):
        self.view("/", "dashboard")

    @task(4)
    def staff_list(self):
        self.view("/staff/" + random.choice(STAFF_QUERIES), "staff list (filters)")

    @task(3)
    def staff_page(self):
        self.view(f"/staff/{random.choice(self.campus['staff_ids'])}/", "staff page")

    @task(2)
    def campus_page(self):
        self.view(f"/campuses/{self.campus['campus']}/", "campus page")

    @task(2)
    def rotations(self):
        self.view("/staff/rotations/", "rotation list")


class Evaluator(PortalUser):
    username = "supervisor"
    kind = "supervisor"
    weight = 1

    def prepare(self) -> None:
        slot = next(_slots)
        evaluatees = CONTEXT["evaluatees"]
        self.evaluatee = evaluatees[slot % len(evaluatees)]
        # The cells' versions: those saved by earlier runs on a reused database, then each answer's.
        saved = CONTEXT.get("score_versions", {}).get(str(self.evaluatee), {})
        self.versions: dict[int, int] = {int(indicator): version for indicator, version in saved.items()}
        if not self.csrf_token():
            # The grid page sets the CSRF cookie its save requests send back (not measured).
            self.client.get(f"/evaluation/{CONTEXT['scheme']}/scores/", name="sign-in: CSRF cookie")

    @task(4)
    def save_score(self):
        indicator, max_points = random.choice(CONTEXT["indicators"])
        points = random.randrange(0, int(max_points * 2) + 1) / 2
        with self.client.post(
            f"/evaluation/{CONTEXT['scheme']}/scores/save/",
            data={
                "indicator": indicator,
                "evaluatee": self.evaluatee,
                "points": f"{points:.1f}",
                "version": self.versions.get(indicator, 0),
            },
            headers={
                "X-CSRFToken": self.csrf_token(),
                "Referer": f"{self.host}/evaluation/{CONTEXT['scheme']}/scores/",
                "X-Requested-With": "XMLHttpRequest",
            },
            name="save supervisor: score",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            try:
                answer = response.json() if response.status_code == 200 else {}
            except ValueError:
                answer = {}
            if not answer.get("ok"):
                response.failure(f"score save answered {response.status_code}: {(response.text or '')[:200]}")
                return
            self.versions[indicator] = answer["version"]

    @task(1)
    def score_grid(self):
        self.view(f"/evaluation/{CONTEXT['scheme']}/scores/", "score grid")


def main() -> None:
    import gevent
    from locust.env import Environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--samples", required=True, help="where to write the measured requests (JSON)")
    args = parser.parse_args()

    samples: list[tuple[str, float, str]] = []
    window = {"start": None}

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        if window["start"] is not None:
            samples.append(
                (
                    name,
                    round(response_time, 2),
                    str(exception)[:300] if exception else "",
                    round(time.time(), 3),
                )
            )

    logins: list[tuple[str, float, str]] = []

    def on_login(request_type, name, response_time, response_length, exception=None, **kwargs):
        if name.startswith("sign-in"):
            logins.append((name, round(response_time, 2), str(exception)[:300] if exception else ""))

    # As bench/load.py's user_counts divides them.
    evaluators = max(1, args.users // 5)
    vice_principals = (
        min(args.users - evaluators, args.users * 3 // 10) if CONTEXT.get("vice_principals") else 0
    )
    viewers = args.users - evaluators - vice_principals
    Viewer.fixed_count, Evaluator.fixed_count, VicePrincipal.fixed_count = (
        viewers,
        evaluators,
        vice_principals,
    )
    classes = [Viewer, Evaluator] + ([VicePrincipal] if vice_principals else [])
    env = Environment(user_classes=classes, host=args.host, events=events)
    env.events.request.add_listener(on_request)
    env.events.request.add_listener(on_login)

    def on_user_error(user_instance, exception, tb, **kwargs):
        # An exception in a user's own code: counted as a failed request of no page.
        if window["start"] is not None:
            samples.append(
                (
                    "user error",
                    0.0,
                    f"{exception.__class__.__name__}: {exception}"[:300],
                    round(time.time(), 3),
                )
            )

    env.events.user_error.add_listener(on_user_error)
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Every user spawned and signed in (sign-ins are not measured), a few seconds for the server to
    # settle, then the measured window.
    deadline = time.monotonic() + 300
    while len(_ready) < args.users and time.monotonic() < deadline:
        gevent.sleep(0.2)
    gevent.sleep(3)
    window["start"] = time.monotonic()
    started_epoch = time.time()
    gevent.sleep(args.duration)
    measured = time.monotonic() - window["start"]
    window["start"] = None
    users = runner.user_count
    runner.quit()
    Path(args.samples).write_text(
        json.dumps(
            {
                "users": users,
                "viewers": viewers,
                "evaluators": evaluators,
                "vice_principals": vice_principals,
                "duration_s": round(measured, 2),
                "window": [started_epoch, time.time()],
                "samples": samples,
                "logins": logins,
            }
        )
    )


if __name__ == "__main__":
    main()
