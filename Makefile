# Two commands are all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-pages bench-load messages check-deploy clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: install, migrate, load the plan's data and demo accounts, serve on 127.0.0.1:$(PORT)
run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_plan_data
	DEBUG=$${DEBUG:-1} $(PY) manage.py create_demo_accounts
	# The story's notices to the demo group's (fictitious) mailbox are kept in memory, not printed.
	DEBUG=$${DEBUG:-1} EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
	  $(PY) manage.py generate_demo --schools 5 --staff-per-campus 30 --seed 1
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: install and run the whole suite (browser tests skip where no chromium is installed)
test: $(STAMP)
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## make bench [SIZE=city|province]: the assessment computation against hand-written SQL
SIZE ?= city
bench: $(STAMP)
	$(PY) bench/evaluation.py --size $(SIZE)

## make bench-pages: page timings and query counts of the main lists at two sizes
bench-pages: $(STAMP)
	$(PY) bench/run.py

## make bench-load: 100 signed-in users for 60 s against gunicorn on PostgreSQL (loopback), then the
## staff export and a 10,000-row import at city size (bench/heavy.py); the city database is reused
bench-load: $(STAMP)
	$(PY) bench/load.py
	$(PY) bench/heavy.py

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=static
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=portal.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
