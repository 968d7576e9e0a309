"""The production units in deploy/systemd restart what stops and run the commands of the README."""

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


@pytest.mark.parametrize("name", ["continuite-web.service", "continuite-worker.service", "continuite-beat.service"])
def test_it_restarts_the_long_running_services(name):
    unit = read_unit(name)
    assert unit["Service"]["Restart"] == "always"
    assert int(unit["Unit"]["StartLimitBurst"]) >= 5
    assert unit["Service"]["EnvironmentFile"] == "/etc/continuite/continuite.env"


def test_it_checks_health_every_five_minutes():
    assert read_unit("continuite-health.timer")["Timer"]["OnUnitActiveSec"] == "5min"
    assert "manage.py health" in read_unit("continuite-health.service")["Service"]["ExecStart"]


def test_it_starts_the_worker_as_the_readme_says():
    worker = read_unit("continuite-worker.service")["Service"]["ExecStart"]
    readme = (UNITS.parents[1] / "README.md").read_text()
    assert "deploy/systemd" in readme
    assert "celery -A continuite worker" in worker and "celery -A continuite worker" in readme


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze absent")
def test_it_writes_units_that_systemd_accepts():
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, sorted(UNITS.iterdir()))], capture_output=True, text=True
    )
    problems = [line for line in result.stderr.splitlines() if line and "is not executable" not in line]
    assert problems == []
