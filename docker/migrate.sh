#!/bin/sh
# The one-shot `migrate` service of docker-compose.yml: runs once per `docker compose up`, before
# web, worker and beat start (they wait for it to finish successfully), never in every replica.
set -eu
python manage.py check --deploy
python manage.py migrate --noinput
# The plan's reference data (group, campuses, units, assessment scheme...) is created when
# missing and never overwritten, so running it on every start is safe. LOAD_PLAN_DATA=0 stops it,
# for a bureau that has deleted some of those records on purpose and wants them to stay deleted.
if [ "${LOAD_PLAN_DATA:-1}" = "1" ]; then
    python manage.py load_plan_data
fi
