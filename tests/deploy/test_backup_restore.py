"""The back-up and restore commands of README.md ("Deploy", "Back up and restore"), run as written.

The commands are read from the README itself, so the documentation cannot drift from what is
tested: only the `docker compose exec -T db` / `web` prefixes are replaced by the same program
run here, the user and database by the test database's, and /app/media by a scratch directory.
The database part needs the test database on PostgreSQL and pg_dump on the machine (CI's
PostgreSQL run); it skips elsewhere.
"""

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

README = Path(__file__).resolve().parent.parent.parent / "README.md"
DB_PREFIX = "docker compose exec -T db "
MEDIA_BACKUP = "docker compose exec -T web tar -C /app/media "
MEDIA_RESTORE = "docker compose run --rm --no-deps -T web tar -C /app/media "
NOT_RUN_HERE = {"docker compose stop web worker beat", "docker compose up -d"}


def readme_blocks() -> tuple[list[str], list[str]]:
    """The back-up block and the restore block of the README's section, one command a line."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Back up and restore\n", 1)[1].split("\n### ", 1)[0]
    blocks = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    ]
    assert len(blocks) == 2, "the section has a back-up block and a restore block"
    return blocks[0], blocks[1]


def translate(command: str, *, user: str, database: str, media: Path) -> str | None:
    """The README's command as run on this machine (None: a docker compose step with no
    counterpart here, stopping or starting the app's containers)."""
    if command in NOT_RUN_HERE:
        return None
    if command.startswith(DB_PREFIX):
        command = command.removeprefix(DB_PREFIX).replace("-U groupschool", f"-U {user}")
        # The database name, not the dump's file name "groupschool.dump".
        return re.sub(r"\bgroupschool\b(?!\.)", database, command)
    for prefix in (MEDIA_BACKUP, MEDIA_RESTORE):
        if command.startswith(prefix):
            return f"tar -C {media} " + command.removeprefix(prefix)
    raise AssertionError(f"README command with no counterpart in this test: {command}")


def run(command: str, cwd: Path, env: dict) -> None:
    result = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"


def test_restore_stops_the_app_first_and_starts_it_last():
    backup, restore = readme_blocks()
    assert [line.split()[:5] for line in backup] == [
        ["docker", "compose", "exec", "-T", "db"],
        ["docker", "compose", "exec", "-T", "web"],
    ]
    assert "pg_dump -U groupschool -Fc groupschool > groupschool.dump" in backup[0]
    assert restore[0] == "docker compose stop web worker beat" and restore[-1] == "docker compose up -d"
    assert any("pg_restore" in line and line.endswith("< groupschool.dump") for line in restore)


def test_media_files_round_trip(tmp_path):
    backup, restore = readme_blocks()
    media, restored = tmp_path / "media", tmp_path / "restored"
    files = {"evidence/2025/证明材料.pdf": b"%PDF-1.4 evidence", "attachments/plan.docx": b"PK\x03\x04 docx"}
    for name, content in files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content)
    restored.mkdir()
    env = dict(os.environ)
    for line in backup:
        if "tar" in line:
            run(translate(line, user="", database="", media=media), tmp_path, env)
    for line in restore:
        if "tar" in line:
            run(translate(line, user="", database="", media=restored), tmp_path, env)
    assert {
        str(path.relative_to(restored)): path.read_bytes() for path in restored.rglob("*") if path.is_file()
    } == files


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs the test database on PostgreSQL (DATABASE_URL=postgres://...): CI's PostgreSQL run"
        )
    missing = [
        tool for tool in ("pg_dump", "pg_restore", "createdb", "dropdb", "psql") if not shutil.which(tool)
    ]
    if missing:
        pytest.skip(f"needs PostgreSQL's client programs: {', '.join(missing)} not found")
    settings = connection.settings_dict
    env = dict(os.environ, PGHOST=settings["HOST"] or "127.0.0.1", PGPORT=str(settings["PORT"] or 5432))
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    restored = f"{settings['NAME']}_restore"
    yield {"user": settings["USER"], "source": settings["NAME"], "restored": restored, "env": env}
    subprocess.run(
        ["dropdb", "-U", settings["USER"], "--force", "--if-exists", restored], env=env, timeout=60
    )


def test_database_round_trip(postgres, tmp_path):
    backup, restore = readme_blocks()
    probe = f"backup-probe-{uuid.uuid4().hex[:8]}"
    get_user_model().objects.create_user(username=probe, first_name="备份测试")
    env, user = postgres["env"], postgres["user"]
    for line in backup:
        if "pg_dump" in line:
            run(translate(line, user=user, database=postgres["source"], media=tmp_path), tmp_path, env)
    assert (tmp_path / "groupschool.dump").stat().st_size > 0
    steps = [translate(line, user=user, database=postgres["restored"], media=tmp_path) for line in restore]
    for step in steps:
        if step and not step.startswith("tar "):
            run(step, tmp_path, env)

    def query(sql: str) -> str:
        result = subprocess.run(
            ["psql", "-U", user, "-d", postgres["restored"], "-tAc", sql],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout.strip()

    assert query(f"SELECT first_name FROM auth_user WHERE username = '{probe}'") == "备份测试"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        (migrations,) = cursor.fetchone()
    assert query("SELECT count(*) FROM django_migrations") == str(migrations)
