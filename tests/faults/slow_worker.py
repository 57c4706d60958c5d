"""A Celery worker whose computations pause midway (tests/faults only).

`python -m tests.faults.slow_worker worker ...` runs `celery -A groupschool` with
`evaluation.compute._progress` wrapped: at the run's first progress mark after it started (more
than 5 %, less than 95 %), the worker sleeps FAULTS_PAUSE seconds, long enough for a test to
kill it mid-computation. Production code has no such hook.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")
django.setup()

from evaluation import compute  # noqa: E402

_progress = compute._progress


def _slow_progress(run, percent, **fields):
    _progress(run, percent, **fields)
    if 5 < percent < 95:
        time.sleep(float(os.environ.get("FAULTS_PAUSE", "60")))


compute._progress = _slow_progress

if __name__ == "__main__":
    from celery.__main__ import main

    sys.argv = ["celery", "-A", "groupschool", *sys.argv[1:]]
    main()
