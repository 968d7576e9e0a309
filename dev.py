#!/usr/bin/env python3
"""The project's single entry script; needs nothing but Python ≥ 3.11.

    python3 dev.py run     # the demo portal on http://127.0.0.1:8000 (venv, install, migrate, seed)
    python3 dev.py test    # installs what the tests need, then runs every test
    python3 dev.py bench   # benchmarks (see README)
    python3 dev.py audit   # security audit: check --deploy, bandit, wapiti (see .ci/audit-accepted.txt)

Each step is idempotent: a second run only does what is missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args, env=None, check=True, **kwargs) -> int:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, **kwargs)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def ensure_venv(requirements: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs under any python3)
        sys.exit("Python 3.11 ou plus récent est nécessaire.")
    if not PY.exists():
        say("Création de l'environnement virtuel .venv")
        run(sys.executable, "-m", "venv", VENV)
    stamp = VENV / f".installed-{requirements}"
    files = [ROOT / requirements, ROOT / "requirements.txt"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"Installation des dépendances ({requirements})")
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements)
    stamp.write_text(digest)


def manage(*args, env=None) -> None:
    run(PY, ROOT / "manage.py", *args, env=env)


def ensure_browser_tools() -> None:
    """Debian's Chromium, Java (for the Nu HTML Checker) and the npm test tools (axe-core, vnu-jar,
    calendar clients); never a downloaded browser."""
    packages = [
        name
        for name, present in (("chromium", CHROMIUM.exists()), ("default-jre-headless", shutil.which("java")))
        if not present
    ]
    if packages and shutil.which("apt-get") and os.geteuid() == 0:
        say(f"Installation de {', '.join(packages)} (paquets Debian)")
        run("apt-get", "update", "-qq", check=False, stdout=subprocess.DEVNULL)
        run(
            "apt-get",
            "install",
            "-y",
            "-qq",
            *packages,
            check=False,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    import json

    wanted = json.loads((ROOT / "package.json").read_text()).get("devDependencies", {})
    missing = [name for name in wanted if not (ROOT / "node_modules" / name / "package.json").exists()]
    if missing and shutil.which("npm"):
        say(f"Installation des outils de test npm ({', '.join(missing)})")
        run("npm", "install", "--no-audit", "--no-fund", "--silent", check=False)


def cmd_run(argv: list[str]) -> None:
    ensure_venv("requirements.txt")
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    # Static files compressed and versioned, as in production: a light first load on a poor connection.
    light = {**os.environ, "STATIC_COMPRESSED": "true"}
    manage("collectstatic", "--noinput", "-v", "0", env=light)
    say("Portail de démonstration : http://127.0.0.1:8000/  (courriels écrits dans var/mail/)")
    manage("runserver", "127.0.0.1:8000", *argv, env=light)


def cmd_test(argv: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    ensure_browser_tools()
    env = {**os.environ, "CONTINUITE_ENV": "test"}
    code = run(PY, "-m", "pytest", *argv, env=env, check=False)
    sys.exit(code)


BENCH_DATABASE = "postgres://postgres@127.0.0.1:5432/continuite_bench"
BENCH_CACHE = "redis://127.0.0.1:6379/14"


def cmd_bench(argv: list[str]) -> None:
    """The region benchmark on PostgreSQL (DATABASE_URL, default: a continuite_bench database)."""
    ensure_venv("requirements-dev.txt")
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        say("Installation de wrk (paquet Debian)")
        run("apt-get", "install", "-y", "-qq", "wrk", check=False, stdout=subprocess.DEVNULL)
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", BENCH_DATABASE),
        # As in production: sessions and the pages' fragments in Redis, shared by the web workers.
        "CACHE_URL": os.environ.get("CACHE_URL", BENCH_CACHE),
    }
    create_db = (
        "import os, urllib.parse, psycopg2\n"
        "u = urllib.parse.urlparse(os.environ['DATABASE_URL'])\n"
        "c = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,"
        " dbname='postgres')\n"
        "c.autocommit = True\n"
        "cur = c.cursor()\n"
        "cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', [u.path[1:]])\n"
        "cur.fetchone() or cur.execute('CREATE DATABASE \"%s\"' % u.path[1:])\n"
        # The data sits in memory or on SSD: random reads cost barely more than sequential ones
        # (PostgreSQL's default of 4 is for spinning disks). Recommended in production too.
        "cur.execute('ALTER DATABASE \"%s\" SET random_page_cost = 1.1' % u.path[1:])\n"
    )
    run(PY, "-c", create_db, env=env)
    run(PY, ROOT / "manage.py", "bench", *argv, env=env)
    if "--explain" not in argv:
        say("Envoi de 10 000 notifications vers un serveur SMTP local (un worker Celery, Redis)")
        run(PY, ROOT / "manage.py", "bench_notifications", "--count", "10000", env=env)


def cmd_audit(argv: list[str]) -> None:
    """check --deploy, bandit, then wapiti per role on loopback; fails on any unaccepted finding."""
    ensure_venv("requirements-dev.txt")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    code = run(PY, ROOT / "manage.py", "security_audit", *argv, env=env, check=False)
    sys.exit(code)


COMMANDS = {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "audit": cmd_audit}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
