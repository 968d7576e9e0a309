"""Backup and restore, as docs/operations.md prescribes: a seeded portal dumped, restored into a new
database, and the demo logins served from the copy.

PostgreSQL: ``pg_dump --format=custom`` then ``pg_restore --no-owner`` into an empty database.
SQLite (the embedded default): the ``sqlite3`` online backup (``.backup``), safe while the portal runs.
Both run the portal's own commands in child processes, as an operator would.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

CHECK_LOGINS = """
import django
django.setup()
from django.test import Client
from continuite.ecole.demo import DEMO_PASSWORD
for email in ("direction@demo.continuite.fr", "parent@demo.continuite.fr", "eleve@demo.continuite.fr"):
    client = Client()
    page = client.post("/comptes/login/", {"login": email, "password": DEMO_PASSWORD}, follow=True)
    assert page.status_code == 200, (email, page.status_code)
    assert "Se déconnecter" in page.content.decode(), email
    print("connecté", email)
"""


def portal(database_url: str, *args: str, code: str | None = None) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONTINUITE_ENV": "development",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


COUNT_ROWS = (
    "from django.apps import apps; "
    "print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models() if m._meta.app_label != 'sessions'))"
)


def row_counts(database_url: str) -> str:
    """Every model's row count: the copy must hold exactly what the original held."""
    return portal(database_url, "shell", "-c", COUNT_ROWS).strip().splitlines()[-1]


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL")
def test_it_restores_a_postgresql_dump_into_a_new_database_that_serves_the_demo(tmp_path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "les outils clients PostgreSQL manquent"
    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    suffix = uuid.uuid4().hex[:8]
    source, copy = f"cont_backup_src_{suffix}", f"cont_backup_copy_{suffix}"
    server = ["-h", base.hostname or "127.0.0.1", "-p", str(base.port or 5432), "-U", base.username or "postgres"]

    def url(name: str) -> str:
        return urllib.parse.urlunsplit(base._replace(path=f"/{name}"))

    for name in (source, copy):
        subprocess.run(["createdb", *server, name], check=True)
    try:
        portal(url(source), "migrate", "--noinput", "-v", "0")
        portal(url(source), "seed_demo")
        original = row_counts(url(source))
        dump = tmp_path / "continuite.dump"
        subprocess.run(["pg_dump", *server, "--format=custom", f"--file={dump}", source], check=True)
        assert dump.stat().st_size > 10_000

        subprocess.run(
            ["pg_restore", *server, "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump)], check=True
        )

        assert row_counts(url(copy)) == original
        assert "('accounts.User', 0)" not in original
        out = portal(url(copy), code=CHECK_LOGINS)
        assert out.count("connecté") == 3
        # The copy is a working portal: nothing left to migrate.
        assert "No planned migration operations" in portal(url(copy), "migrate", "--plan")
    finally:
        for name in (source, copy):
            subprocess.run(["dropdb", *server, "--if-exists", "--force", name], check=False)


def test_it_restores_a_sqlite_backup_that_serves_the_demo(tmp_path):
    source, copy = tmp_path / "portail.sqlite3", tmp_path / "copie.sqlite3"
    portal(f"sqlite:///{source}", "migrate", "--noinput", "-v", "0")
    portal(f"sqlite:///{source}", "seed_demo")
    original = row_counts(f"sqlite:///{source}")

    with sqlite3.connect(source) as live, sqlite3.connect(copy) as backup:
        live.backup(backup)  # what `sqlite3 var/continuite.sqlite3 ".backup copie.sqlite3"` does
    source.unlink()

    assert row_counts(f"sqlite:///{copy}") == original
    assert "('accounts.User', 0)" not in original
    assert portal(f"sqlite:///{copy}", code=CHECK_LOGINS).count("connecté") == 3
