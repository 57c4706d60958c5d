#!/usr/bin/env bash
# Validate docker-compose.yml without a Docker engine: `docker-compose config -q` (Debian's
# docker-compose package) resolves every ${...}, anchor, env_file and depends_on condition.
# It runs in a scratch directory whose .env is .env.example, so a developer's real .env is
# neither needed nor read. Without docker-compose, only the YAML is parsed (tests/deploy checks
# the structure either way).
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v docker-compose >/dev/null 2>&1; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cp docker-compose.yml "$scratch/docker-compose.yml"
  cp .env.example "$scratch/.env"
  docker-compose --project-directory "$scratch" -f "$scratch/docker-compose.yml" config -q
  echo "docker-compose.yml is valid ($(docker-compose version --short))"
else
  python=.venv/bin/python
  [ -x "$python" ] || python=python3
  "$python" -c 'import sys, yaml; yaml.safe_load(open("docker-compose.yml")); print("docker-compose.yml parses as YAML (docker-compose not installed: no full validation)")'
fi
