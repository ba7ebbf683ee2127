"""Helplines and the municipality's own contacts and chat hours, from flows/resources.yaml.

The file is written by a coordinator, not a programmer, so every mistake is reported as
ResourcesError naming the file, the field, what is wrong and how to fix it. A wrong number
here would be read by someone in danger: the loader refuses rather than guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
)
from pydantic import ValidationError as PydanticValidationError

DEFAULT_PATH: Final = Path(__file__).with_name("resources.yaml")
_REPO_ROOT: Final = Path(__file__).resolve().parent.parent
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The lines the texts refer to by placeholder (and 112): none of them may be left out.
REQUIRED_LINES: Final = frozenset({
    "sos_alarm", "polisen", "kvinnofridslinjen", "bris", "brottsofferjouren",
    "sjalvmordslinjen", "vardguiden", "ratt_att_valja", "terrafem", "valj_att_sluta",
})
LOCAL_CONTACTS: Final = ("social_services", "social_emergency", "womens_shelter")
# Nationella stödtelefonen (honour-related violence) answers professionals only.
_PROFESSIONALS_ONLY_DIGITS: Final = "0102235760"
# Every line is re-checked at least yearly; older entries are reported by lines_to_reverify.
REVERIFY_AFTER: Final = timedelta(days=366)

_PERIOD = re.compile(r"^(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")
_NUMBER = re.compile(r"^[0-9][0-9 -]*[0-9]$|^[0-9]$")

Audience = Literal["all", "under_18", "honour", "uses_violence", "suicide"]


class ResourcesError(ValueError):
    """flows/resources.yaml cannot be used as it is; the message says where and how to fix."""


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    number: str
    hours: str
    always_open: bool
    free: bool
    languages: tuple[str, ...] | Literal["many"]
    audience: Audience
    verified: date


@dataclass(frozen=True)
class Contact:
    """One of the municipality's own numbers (social services, socialjouren, shelter)."""

    name: str
    number: str
    hours: str


@dataclass(frozen=True)
class Period:
    start: time
    end: time


@dataclass(frozen=True)
class ChatHours:
    """When social workers staff the chat: periods per weekday (Monday first), local time."""

    timezone: ZoneInfo
    weekly: tuple[tuple[Period, ...], ...]
    closed_dates: frozenset[date]

    def is_open(self, now: datetime) -> bool:
        local = self._local(now)
        if local.date() in self.closed_dates:
            return False
        return any(p.start <= local.time() < p.end for p in self.weekly[local.weekday()])

    def next_opening(self, now: datetime) -> datetime | None:
        """`now` itself while open, else the start of the next staffed period, else None."""
        local = self._local(now)
        if self.is_open(local):
            return local
        if not any(self.weekly):
            return None
        # A year and a bit: enough to step over any list of closed dates a coordinator writes.
        for offset in range(400):
            day = local.date() + timedelta(days=offset)
            if day in self.closed_dates:
                continue
            for period in self.weekly[day.weekday()]:
                start = datetime.combine(day, period.start, tzinfo=self.timezone)
                if start > local:
                    return start
        return None

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("chat hours need an aware datetime (with a timezone), got a naive one")
        return now.astimezone(self.timezone)


@dataclass(frozen=True)
class Municipality:
    name: str
    example: bool
    social_services: Contact
    social_emergency: Contact
    womens_shelter: Contact
    chat_hours: ChatHours


@dataclass(frozen=True)
class Resources:
    national: dict[str, Line]
    municipality: Municipality

    def placeholders(self) -> dict[str, str]:
        """Text for each helpline placeholder: "Kvinnofridslinjen, 020-50 50 50"."""
        texts = {line.id: f"{line.name}, {line.number}" for line in self.national.values()}
        for key in LOCAL_CONTACTS:
            contact: Contact = getattr(self.municipality, key)
            texts[key] = f"{contact.name}, {contact.number}"
        return texts

    def chat_is_open(self, now: datetime) -> bool:
        return self.municipality.chat_hours.is_open(now)

    def next_chat_opening(self, now: datetime) -> datetime | None:
        return self.municipality.chat_hours.next_opening(now)

    def lines_24_7(self) -> list[Line]:
        return [line for line in self.national.values() if line.always_open]

    def lines_to_reverify(self, today: date) -> list[Line]:
        """Lines nobody has checked for more than a year: for a warning at start-up."""
        return [line for line in self.national.values() if today - line.verified > REVERIFY_AFTER]


# --- the file's shape, checked by pydantic --------------------------------------------


def parse_periods(text: str) -> tuple[Period, ...]:
    """'08:00-12:00, 13:00-16:30' -> two periods; 'closed' -> none."""
    if text.strip().lower() == "closed":
        return ()
    periods = []
    for part in text.split(","):
        match = _PERIOD.match(part.strip())
        if not match:
            raise ValueError("is not HH:MM-HH:MM, write e.g. 08:00-16:30 (or closed)")
        try:
            start, end = time.fromisoformat(match["start"]), time.fromisoformat(match["end"])
        except ValueError:
            raise ValueError("has a time that does not exist, write e.g. 08:00-16:30") from None
        if end <= start:
            raise ValueError(
                "ends before it starts; a period must end the same day, e.g. 08:00-16:30"
            )
        periods.append(Period(start, end))
    return tuple(periods)


def _periods_text(value: object) -> object:
    if isinstance(value, int | float):  # YAML reads an unquoted 10:00 as a number
        raise ValueError('must be written in quotes, e.g. "08:00-16:30"')
    return value


def _check_periods(text: str) -> str:
    parse_periods(text)
    return text


def _check_number(number: str) -> str:
    if not _NUMBER.match(number):
        raise ValueError(
            "is not a phone number; use digits, spaces and '-' only, e.g. 020-50 50 50"
        )
    if re.sub(r"\D", "", number) == _PROFESSIONALS_ONLY_DIGITS:
        raise ValueError(
            "is Nationella stödtelefonen, a line for professionals only; do not refer people "
            "seeking help there (Rätt att välja, 020-57 70 70, is for them)"
        )
    return number


def _check_languages(value: object) -> Literal["many"] | list[str]:
    if value == "many":
        return "many"
    if isinstance(value, list) and value and all(
        isinstance(code, str) and re.fullmatch(r"[a-z]{2,3}", code) for code in value
    ):
        return value
    raise ValueError('must be a list of language codes like [sv, en], or "many"')


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not a known timezone, write e.g. Europe/Stockholm") from None
    return name


Text = Annotated[str, Field(min_length=1)]
Number = Annotated[str, AfterValidator(_check_number)]
Periods = Annotated[str, BeforeValidator(_periods_text), AfterValidator(_check_periods)]
Languages = Annotated[Literal["many"] | list[str], PlainValidator(_check_languages)]
LineId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _LineModel(_Model):
    name: Text
    number: Number
    hours: Text
    always_open: StrictBool
    free: StrictBool
    languages: Languages
    audience: Audience
    verified: date


class _ContactModel(_Model):
    name: Text
    number: Number
    hours: Text


class _ChatHoursModel(_Model):
    timezone: Annotated[str, AfterValidator(_check_timezone)]
    mon: Periods = "closed"
    tue: Periods = "closed"
    wed: Periods = "closed"
    thu: Periods = "closed"
    fri: Periods = "closed"
    sat: Periods = "closed"
    sun: Periods = "closed"
    closed_dates: list[date] = []


class _MunicipalityModel(_Model):
    name: Text
    example: StrictBool
    social_services: _ContactModel
    social_emergency: _ContactModel
    womens_shelter: _ContactModel
    chat_hours: _ChatHoursModel


class _FileModel(_Model):
    national: dict[LineId, _LineModel]
    municipality: _MunicipalityModel


# --- loading --------------------------------------------------------------------------


def load_resources(path: Path | None = None) -> Resources:
    """Read and check the resources file; the shipped one (cached) when no path is given."""
    return _load_default() if path is None else _load(path)


@cache
def _load_default() -> Resources:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Resources:
    shown = display_path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ResourcesError(f"{shown}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise ResourcesError(f"{shown}: is not valid YAML: {error}") from None
    try:
        model = _FileModel.model_validate(raw)
    except PydanticValidationError as error:
        raise ResourcesError("\n".join(_explain(shown, e) for e in error.errors())) from None
    missing = sorted(REQUIRED_LINES - model.national.keys())
    if missing:
        raise ResourcesError(
            f"{shown}: national: {', '.join(missing)} missing; "
            "the texts refer to these lines, add them back"
        )
    return _build(model)


def _build(model: _FileModel) -> Resources:
    national = {
        line_id: Line(
            id=line_id,
            name=line.name,
            number=line.number,
            hours=line.hours,
            always_open=line.always_open,
            free=line.free,
            languages=line.languages if line.languages == "many" else tuple(line.languages),
            audience=line.audience,
            verified=line.verified,
        )
        for line_id, line in model.national.items()
    }
    town = model.municipality
    hours = town.chat_hours
    chat_hours = ChatHours(
        timezone=ZoneInfo(hours.timezone),
        weekly=tuple(parse_periods(getattr(hours, day)) for day in WEEKDAYS),
        closed_dates=frozenset(hours.closed_dates),
    )

    def contact(c: _ContactModel) -> Contact:
        return Contact(name=c.name, number=c.number, hours=c.hours)

    municipality = Municipality(
        name=town.name,
        example=town.example,
        social_services=contact(town.social_services),
        social_emergency=contact(town.social_emergency),
        womens_shelter=contact(town.womens_shelter),
        chat_hours=chat_hours,
    )
    return Resources(national=national, municipality=municipality)


def display_path(path: Path) -> str:
    """The path as a coordinator sees it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(_REPO_ROOT))
    except ValueError:
        return str(path)


def _explain(shown: str, error: Any) -> str:
    """One pydantic error as a line a coordinator can act on."""
    loc = [str(part) for part in error["loc"] if part != "[key]"]
    where = ".".join(loc) or "(top level)"
    kind: str = error["type"]
    value = error.get("input")
    if kind == "missing":
        return f"{shown}: {where}: is missing; add it (see the shipped example file)"
    if kind == "extra_forbidden":
        return f"{shown}: {where}: is not a field Tryggchatt knows; check the spelling"
    if "[key]" in error["loc"]:
        return f"{shown}: {where}: is not a valid id; use lower-case letters, digits and _"
    if kind == "value_error":
        what = str(error["ctx"]["error"])
    elif kind.startswith("date"):
        what = "is not a date, write YYYY-MM-DD, e.g. 2026-12-24"
    elif kind.startswith("bool"):
        what = "must be true or false"
    elif kind == "literal_error":
        what = f"must be one of {error['ctx']['expected']}"
    elif kind == "string_too_short":
        what = "is empty; write the text"
    elif kind in ("model_type", "dict_type"):
        what = "must be a block of fields, as in the shipped example file"
    else:
        what = str(error["msg"])
    if isinstance(value, str):
        return f"{shown}: {where}: {value!r} {what}"
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return f"{shown}: {where}: {value} {what}"
    return f"{shown}: {where}: {what}"
