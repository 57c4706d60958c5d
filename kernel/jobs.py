"""Background jobs that never take a page down with them.

Rules (issue 6):

- A job is queued only after its transaction commits (`enqueue_on_commit`), and queueing never
  hangs or fails the request: the broker connection has short time-outs and few retries
  (settings `CELERY_BROKER_*`), broker errors are caught, and the caller learns whether the job
  is "queued" or the queue is "unavailable" (`JobTicket`).
- The job's state lives in PostgreSQL (e.g. `evaluation.ComputationRun`, status QUEUED), not
  in the broker: when the broker was unavailable, or a worker was lost mid-run, the row stays
  and `requeue_jobs` (the `requeue_jobs` command, and celery beat every minute) sends it again.
  That is safe because every job is idempotent. Each app that owns such rows registers its
  sweeper (`register_requeue`, in its AppConfig.ready()): the kernel knows no app's models.
- One job at a time per task and arguments: every task of the app runs under a PostgreSQL
  advisory lock (`JobTask`), so a redelivered or requeued copy of a job that is still running
  is skipped instead of computing the same rows twice. The lock belongs to the worker's database
  session: when a worker is killed (kill -9), PostgreSQL drops the session and the lock with it,
  which is also how `requeue_jobs` tells a lost run from a running one.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

QUEUED = "queued"
UNAVAILABLE = "unavailable"
RAN = "ran"  # no broker configured: the job ran in this process (`make run`, the tests)
PENDING = "pending"  # inside a transaction: queued when it commits


def _broker_errors() -> tuple[type[BaseException], ...]:
    """What a publish raises when the broker is down, refuses, or does not answer in time."""
    from kombu.exceptions import KombuError

    errors: list[type[BaseException]] = [KombuError, ConnectionError, OSError, socket.timeout, TimeoutError]
    try:
        import redis.exceptions

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


@dataclass
class JobTicket:
    """What became of a request to run a job: `state` is one of QUEUED, UNAVAILABLE, RAN, or
    PENDING while the transaction that asked for it has not committed yet."""

    task_name: str
    args: tuple
    state: str = PENDING
    error: str = ""
    on_unavailable: list[Callable[[JobTicket], None]] = field(default_factory=list, repr=False)

    @property
    def queued(self) -> bool:
        return self.state in (QUEUED, RAN)

    @property
    def unavailable(self) -> bool:
        return self.state == UNAVAILABLE

    @property
    def message(self) -> str:
        """One sentence for the user."""
        if self.state == UNAVAILABLE:
            return unavailable_message()
        if self.state == RAN:
            return _("The job has run.")
        return _("The job is queued: it runs in the background.")


def unavailable_message() -> str:
    return _(
        "The job queue is unavailable right now: your request is saved and the job will run "
        "as soon as the queue is back."
    )


def _publish_options() -> dict:
    return {
        # Job state is a database row: a Celery result would only add a round trip to the
        # result store (which, with Redis down, retries for tens of seconds).
        "ignore_result": True,
        "retry": True,
        "retry_policy": settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
    }


def _send(ticket: JobTicket, task) -> JobTicket:
    # The task's own Celery app (groupschool/celery.py in the portal): the kernel names none.
    app = task.app
    if app.conf.task_always_eager:
        # In-process (no broker): the job's own errors propagate, as any code's would. A task
        # that asks to be retried (autoretry_for, self.retry) runs again at once, as a worker
        # would after the countdown, until it succeeds or gives up.
        signature = None
        while True:
            try:
                if signature is None:
                    task.apply(args=ticket.args, throw=True)
                else:
                    signature.apply(throw=True)
                break
            except Retry as retry:
                if retry.sig is None:
                    raise
                signature = retry.sig
        ticket.state = RAN
        return ticket
    try:
        # A connection of its own, opened from the current settings: a publish never waits on a
        # pooled connection to a broker that went away.
        with app.connection_for_write(
            transport_options={"socket_timeout": settings.JOBS_PUBLISH_SOCKET_TIMEOUT}
        ) as conn:
            task.apply_async(args=ticket.args, connection=conn, **_publish_options())
    except _broker_errors() as exc:
        logger.warning(
            "Job %s%r not queued, the broker is unavailable: %s", ticket.task_name, ticket.args, exc
        )
        ticket.state, ticket.error = UNAVAILABLE, f"{exc.__class__.__name__}: {exc}"[:500]
        for callback in ticket.on_unavailable:
            try:
                callback(ticket)
            except DatabaseError:
                logger.exception("Could not record that job %s%r is waiting", ticket.task_name, ticket.args)
        return ticket
    ticket.state = QUEUED
    return ticket


def enqueue(task, *args, on_unavailable: Callable[[JobTicket], None] | None = None) -> JobTicket:
    """Send `task(*args)` to the broker now; never raises a broker error (see `JobTicket`)."""
    ticket = JobTicket(task.name, args, on_unavailable=[on_unavailable] if on_unavailable else [])
    return _send(ticket, task)


def enqueue_on_commit(task, *args, on_unavailable: Callable[[JobTicket], None] | None = None) -> JobTicket:
    """Send `task(*args)` once the current transaction commits (at once outside a transaction).

    The ticket's state is PENDING until then. `on_unavailable(ticket)` runs after a failed
    publish, e.g. to note on the job's row why it waits."""
    ticket = JobTicket(task.name, args, on_unavailable=[on_unavailable] if on_unavailable else [])
    transaction.on_commit(lambda: _send(ticket, task))
    return ticket


# --- One job at a time ------------------------------------------------------------------------


def lock_key(task_name: str, args: tuple | list = ()) -> int:
    """The advisory lock of a job: a signed 64-bit number derived from the task and its args."""
    text = f"kernel.jobs:{task_name}:{tuple(args)!r}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def _locks_supported() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def job_lock(task_name: str, args: tuple | list = ()) -> Iterator[bool | None]:
    """Hold the job's advisory lock for the block: yields True (held), False (another session
    runs this job), or None (no advisory locks on this database: SQLite)."""
    if not _locks_supported():
        yield None
        return
    key = lock_key(task_name, args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                # An aborted transaction or a lost connection: the lock goes with the session.
                logger.warning("Could not release the lock of job %s%r", task_name, tuple(args))


def job_is_running(task_name: str, args: tuple | list = ()) -> bool | None:
    """Whether some session holds the job's lock (None: cannot tell on this database)."""
    if not _locks_supported():
        return None
    with job_lock(task_name, args) as acquired:
        return not acquired


class JobTask(DjangoTask):
    """The app's task class (groupschool/celery.py): a job runs at most once at a time for the
    same task and arguments. A copy that finds its job running returns without doing anything:
    the running copy finishes it, or, if its worker dies, `requeue_jobs` sends it again."""

    def __call__(self, *args, **kwargs):
        with job_lock(self.name, args) as acquired:
            if acquired is False:
                logger.info("Job %s%r is already running elsewhere: skipped", self.name, args)
                return {"status": "already running"}
            return super().__call__(*args, **kwargs)


# --- Sending again what was not run ---------------------------------------------------------


def requeue_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOBS_REQUEUE_AFTER)


#: A sweeper sends again the jobs of one app that no worker has; it returns its counts
#: {"found", "queued", "unavailable", "given_up"}. Apps register theirs in AppConfig.ready()
#: (evaluation: its computation runs, evaluation/jobs.py).
Requeue = Callable[..., dict[str, int]]
_requeues: dict[str, Requeue] = {}


def register_requeue(name: str, sweeper: Requeue) -> None:
    """Add `sweeper(older_than=timedelta)` to what `requeue_jobs` runs (once per name)."""
    _requeues[name] = sweeper


def requeue_jobs(*, older_than: datetime.timedelta | None = None) -> dict[str, int]:
    """Send again the jobs that no worker has, with every registered sweeper (see `Requeue`):
    still QUEUED after `older_than` (the broker was down, or its message was lost), or RUNNING
    for longer than that with nobody holding their lock (the worker died). Idempotent: a job
    sent twice runs once. Returns the sweepers' counts added up."""
    older_than = requeue_after() if older_than is None else older_than
    counts = {"found": 0, "queued": 0, "unavailable": 0, "given_up": 0}
    for sweeper in _requeues.values():
        for key, value in sweeper(older_than=older_than).items():
            counts[key] = counts.get(key, 0) + value
    return counts
