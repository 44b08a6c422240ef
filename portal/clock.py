"""Today and now in the programme's time zone (Europe/Amsterdam): the one home of "what day is it"."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """The current moment as an aware datetime in Europe/Amsterdam."""
    return datetime.now(TZ)


def today() -> date:
    """The calendar day in Dordrecht (the server may run in UTC)."""
    return now().date()


def local_date(moment: datetime) -> date:
    """The calendar day in Dordrecht of an aware moment."""
    return moment.astimezone(TZ).date()
