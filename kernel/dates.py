"""The bureau's calendar: what day it is where the portal is used."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    """The bureau's calendar day (settings.TIME_ZONE, Asia/Shanghai) at `now`: an item due on
    31 May is overdue from 1 June 00:00 Beijing time, not UTC."""
    now = now or timezone.now()
    return timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
