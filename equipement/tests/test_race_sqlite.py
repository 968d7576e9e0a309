"""The embedded default (SQLite in a file): two simultaneous approvals of one device end with one
loan and "Ce matériel est déjà prêté." for the other — never "database is locked" or a 500.

SQLite has no row lock: write transactions begin IMMEDIATE (see the settings), so the second waits
for the first to commit, then reads the device as lent. The test runs in a child process on a real
database file, as the demo does (the test suite's in-memory SQLite behaves differently).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.core.exceptions import ValidationError
from django.db import connections
call_command("migrate", verbosity=0)
from continuite.tests.world import build_world
from equipement import services
from equipement.models import Loan
from equipement.tests.factories import DecidedNeedFactory, DeviceFactory
world = build_world()
device = DeviceFactory(etablissement=world.etablissement)
needs = [DecidedNeedFactory(student=world.student), DecidedNeedFactory(student=world.student2)]
users = [world.direction.user, world.gestionnaire.user]
connections.close_all()
barrier = threading.Barrier(2)
outcomes = []

def approve(need, user):
    try:
        barrier.wait(timeout=10)
        services.loan_approve(user=user, need=need, device=device)
        outcomes.append("ok")
    except ValidationError as exc:
        outcomes.append(exc.messages[0])
    except Exception as exc:
        outcomes.append(f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=approve, args=pair) for pair in zip(needs, users)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=60)
print(json.dumps({"outcomes": sorted(outcomes), "loans": Loan.objects.filter(device=device).count()}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default's own test")
def test_it_ends_two_simultaneous_approvals_with_one_loan_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "CONTINUITE_ENV": "test"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"outcomes": ["Ce matériel est déjà prêté.", "ok"], "loans": 1}
