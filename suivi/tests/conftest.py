import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

# A Friday of term: the default window (14 school days) starts on Tuesday 17 November.
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
TODAY = NOW.date()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW
