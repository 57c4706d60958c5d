"""The house has one direction (README, "Layout"): the kernel imports no app of the portal;
the domain apps import the kernel and the apps before them in the line
campuses → staff → planning / sharing / supervision → evaluation, never one after them and never
groupschool, the top (settings, URLs, dashboard, demo data), which may import everything.

Every import of every module counts, those inside functions too; only migrations (frozen
history) are left out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "kernel"
TOP = "groupschool"
#: The domain apps in their order: an app may import those of a lower rank only.
RANK = {
    "campuses": 0,
    "staff": 1,
    "supervision": 2,
    "sharing": 2,
    "planning": 3,
    "evaluation": 4,
    "notices": 5,
    "api": 5,
}
PACKAGES = (KERNEL, TOP, *RANK)


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _imported_packages(path: Path) -> set[tuple[str, int]]:
    """(first package name, line) of every absolute import of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def _violations(package: str) -> list[str]:
    if package == TOP:
        return []
    allowed = {KERNEL, package}
    if package in RANK:
        allowed |= {app for app, rank in RANK.items() if rank < RANK[package]}
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _modules(package)
        for name, line in sorted(_imported_packages(path))
        if name in PACKAGES and name not in allowed
    ]


@pytest.mark.parametrize("package", [p for p in PACKAGES if (ROOT / p).is_dir()])
def test_imports_go_one_way(package):
    assert _violations(package) == []


KERNEL_ALONE = """
import importlib, pathlib, sys
import django
from django.conf import settings
import groupschool.settings as portal

apps = [app for app in portal.INSTALLED_APPS if app not in {apps!r}]
values = {{name: getattr(portal, name) for name in dir(portal) if name.isupper()}}
values.update(INSTALLED_APPS=apps, ROOT_URLCONF="kernel.apps")
settings.configure(**values)
django.setup()
for path in sorted(pathlib.Path("kernel").rglob("*.py")):
    if "migrations" not in path.parts:
        importlib.import_module(".".join(path.with_suffix("").parts).removesuffix(".__init__"))
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] in {packages!r})))
"""


def test_the_kernel_loads_alone():
    """With no domain app installed, every kernel module imports, and pulls in no domain module
    and nothing of groupschool but its settings (and the Celery app its package starts)."""
    import os
    import subprocess
    import sys

    code = KERNEL_ALONE.format(apps={TOP, *RANK}, packages=set(PACKAGES))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(result.stdout.split())
    assert {name for name in loaded if name.split(".")[0] != KERNEL} <= {
        "groupschool",
        "groupschool.settings",
        "groupschool.celery",
    }
    assert "kernel.scoping" in loaded


def test_the_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The guard itself: an upward import is reported."""
    assert ("staff", 1) in _imported_packages(_write(tmp_path, "from staff.models import StaffMember\n"))
    assert ("groupschool", 2) in _imported_packages(
        _write(tmp_path, "def f():\n    import groupschool.figures\n")
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "module.py"
    path.write_text(text)
    return path
