"""The deployment files: docker-compose.yml, the Dockerfile, .env.example, the dependency lock.

No Docker engine runs on the CI machine: these tests read the files, `docker/check-compose.sh`
validates the compose file with Debian's docker-compose where it is installed, and
tests/e2e/test_processes_smoke.py starts the same processes on the machine itself.
"""

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("db", "redis", "web", "worker", "beat")


def _module(name: str):
    """A script of docker/ as a module (the directory is no package: `docker` is a PyPI name)."""
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", ROOT / "docker" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_every_process_is_a_service(services):
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert _command(services["web"]).startswith("gunicorn groupschool.wsgi:application")
    assert _command(services["worker"]).startswith("celery -A groupschool worker")
    beat = _command(services["beat"])
    assert beat.startswith("celery -A groupschool beat")
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_restart_and_have_a_health_check(services, name):
    service = services[name]
    assert service["restart"] == "unless-stopped"
    healthcheck = service["healthcheck"]
    assert not healthcheck.get("disable") and healthcheck["test"][0] in {"CMD", "CMD-SHELL"}


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_health_checks_call_a_real_check(services, name):
    test = services[name]["healthcheck"]["test"]
    assert test[1:3] == ["python", "docker/healthcheck.py"]
    assert test[3] in _module("healthcheck").CHECKS


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_take_their_settings_from_dot_env(services, name):
    assert services[name]["env_file"] == ".env"
    assert "media:/app/media" in services[name]["volumes"]


def test_migrations_run_once_before_the_processes_that_use_the_database(services):
    migrate = services["migrate"]
    assert migrate["restart"] == "no" and migrate["healthcheck"] == {"disable": True}
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    script = (ROOT / _command(migrate).split()[-1]).read_text(encoding="utf-8")
    assert "manage.py migrate --noinput" in script and "load_plan_data" in script
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert "migrate" not in _command(services[name])


def test_data_lives_on_named_volumes(services):
    volumes = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert "--appendonly yes" in _command(services["redis"])  # queued jobs survive a restart
    assert {"pgdata", "redisdata", "media"} <= set(volumes)


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="Debian's docker-compose is not installed")
def test_docker_compose_accepts_the_file():
    result = subprocess.run(
        ["bash", str(ROOT / "docker" / "check-compose.sh")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid" in result.stdout


def _dockerfile() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_dockerfile_slim_base_non_root_static_collected():
    lines = _dockerfile()
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    collect = next(line for line in lines if "collectstatic" in line)
    assert collect.startswith("RUN SECRET_KEY=") and "DEBUG=0" in collect and "--noinput" in collect
    assert any(line.startswith("HEALTHCHECK") and "docker/healthcheck.py" in line for line in lines)
    assert lines[-1].startswith('CMD ["gunicorn"')
    assert "RUN pip install --no-cache-dir -r docker/requirements.txt" in lines


def test_image_installs_pinned_dependencies_of_pyproject():
    lock = (ROOT / "docker" / "requirements.txt").read_text(encoding="utf-8")
    pins = dict(line.split("==") for line in lock.splitlines() if line and not line.startswith("#"))
    assert all(re.fullmatch(r"[a-z0-9-]+", name) and version for name, version in pins.items())
    requirements = _module("requirements")
    for requirement in requirements.runtime_requirements():
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{requirement} is not pinned in pyproject.toml"
        name = requirements.canonicalize_name(requirement.name)
        assert pins.get(name) == spec.version, f"docker/requirements.txt: {name} differs from pyproject.toml"
    # Everything those packages pull in is pinned too (regenerate with docker/requirements.py).
    assert set(requirements.closure(requirements.runtime_requirements())) <= set(pins)


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".venv", ".git", "db.sqlite3", "media", "staticfiles", "bench/results"} <= ignored


def _settings_variables() -> set[str]:
    source = (ROOT / "groupschool" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"\benv(?:_bool|_list)?\(\s*\"([A-Z0-9_]+)\"", source))


def test_env_example_documents_every_variable():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.M))
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    substituted = set(re.findall(r"\$\{([A-Z0-9_]+)", compose))
    scripts = (ROOT / "docker" / "migrate.sh").read_text(encoding="utf-8")
    needed = _settings_variables() | substituted | set(re.findall(r"\$\{([A-Z0-9_]+)", scripts))
    assert len(_settings_variables()) > 30  # the pattern still finds settings.py's variables
    assert needed - documented == set()


def test_env_example_lines_are_plain_assignments():
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), line
            assert value and not value.startswith(("'", '"')) and "$" not in value, line
