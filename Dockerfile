# The portal's one image: gunicorn by default; docker-compose.yml runs the same image as the
# one-shot migrate service, the Celery worker and celery beat with other commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies first (their own layer, rebuilt only when the pins change): exactly the versions
# the suite ran on, generated from pyproject.toml by docker/requirements.py.
COPY docker/requirements.txt docker/requirements.txt
RUN pip install --no-cache-dir -r docker/requirements.txt

COPY . .

# Static files are collected (hashed and compressed for WhiteNoise) at build time, with a
# throw-away key: the real SECRET_KEY only ever lives in the running container's environment.
RUN SECRET_KEY=build-only-not-secret DEBUG=0 python manage.py collectstatic --noinput \
    && python -m compileall -q kernel groupschool campuses staff evaluation planning sharing

# A non-root user owns only what it writes: uploaded files (the `media` volume).
RUN groupadd --system --gid 1000 portal \
    && useradd --system --uid 1000 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/media \
    && chown portal:portal /app/media
USER portal

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py", "web"]

# WEB_CONCURRENCY (gunicorn's own variable, 3 unless .env says otherwise): worker processes.
CMD ["gunicorn", "groupschool.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
