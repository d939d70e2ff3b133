"""The callback data of every inline button: the bot's wire protocol with every screen it ever
sent, so it has one definition here.

One small frozen class per button family, with `pack()` (what goes into the button) and
`parse()` (the class again, or None for old, forged or garbage data). `FAMILIES` is the one
table of prefixes: a prefix is never reused, because a button stays on a person's screen for as
long as the chat exists. Every packed value is byte-identical to what the bot sent before this
module existed, so old buttons keep working; tests/test_buttons.py checks the round trip and
Telegram's 64-byte limit for the longest value of each family.

Each family's grammar is a regex whose `action` group (where it has one) lets build_application
register one CallbackQueryHandler per action (`pattern(...)`); the handler reads
`context.matches[0]`. Pure: no Telegram import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

# Telegram refuses callback_data longer than this many bytes (UTF-8).
MAX_BYTES = 64

# A practice id in the content folder (bot/content.py): lowercase words with dashes.
PRACTICE_ID = r"[a-z0-9-]{1,56}"


class Button:
    """What every family shares: its prefix, its grammar, and matching by that grammar."""

    PREFIX: ClassVar[str]
    GRAMMAR: ClassVar[re.Pattern[str]]

    def pack(self) -> str:
        raise NotImplementedError

    @classmethod
    def match(cls, data: str | None) -> re.Match[str] | None:
        return cls.GRAMMAR.fullmatch(data or "")

    @classmethod
    def pattern(cls, *actions: str) -> re.Pattern[str]:
        """The whole data in the family's grammar, optionally narrowed to some actions: the
        pattern of a CallbackQueryHandler (which matches from the start only, hence the end
        anchor: \\Z, since $ also matches before a final newline)."""
        if not actions:
            return re.compile(rf"^(?:{cls.GRAMMAR.pattern})\Z")
        only = "|".join(re.escape(action) for action in actions)
        return re.compile(rf"^(?=(?:{cls.PREFIX}):(?:{only})(?::|\Z))(?:{cls.GRAMMAR.pattern})\Z")


@dataclass(frozen=True, slots=True)
class MoreButton(Button):
    """The rest of a long message (bot/flows/common.py): `more:<name>`."""

    name: str

    PREFIX: ClassVar[str] = "more"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"more:(?P<action>\w{1,20})")

    def pack(self) -> str:
        return f"more:{self.name}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["action"]) if match else None


@dataclass(frozen=True, slots=True)
class ZoneButton(Button):
    """A time zone offered during onboarding: `ob:z:<IANA name>`; empty means "none of these"."""

    zone: str

    PREFIX: ClassVar[str] = "ob"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"ob:(?P<action>z):(?P<zone>[\w/+-]*)")

    def pack(self) -> str:
        return f"ob:z:{self.zone}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["zone"]) if match else None


@dataclass(frozen=True, slots=True)
class TimeButton(Button):
    """A reminder time offered during onboarding or /settings: `ob:t:<HH:MM>`."""

    at: str

    PREFIX: ClassVar[str] = "ob"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"ob:(?P<action>t):(?P<at>\d\d:\d\d)")

    def pack(self) -> str:
        return f"ob:t:{self.at}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["at"]) if match else None


SettingsAction = Literal["time", "zone", "followup", "pause", "resume", "stop", "language"]


@dataclass(frozen=True, slots=True)
class SettingsButton(Button):
    """A /settings choice: `st:<action>`."""

    action: SettingsAction

    PREFIX: ClassVar[str] = "st"
    # Any word: an action no longer offered is answered kindly by the settings handler.
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"st:(?P<action>[^:]*)")

    def pack(self) -> str:
        return f"st:{self.action}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["action"]) if match else None  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PauseButton(Button):
    """Pause for some days, 0 meaning until /resume: `pz:<days>`."""

    days: int

    PREFIX: ClassVar[str] = "pz"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"pz:(?P<days>\d+)")

    def pack(self) -> str:
        return f"pz:{self.days}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(int(match["days"])) if match else None


@dataclass(frozen=True, slots=True)
class StopButton(Button):
    """The answer to "stop the reminders?": `sp:yes` or `sp:no`."""

    confirmed: bool

    PREFIX: ClassVar[str] = "sp"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"sp:(?P<action>yes|no)")

    def pack(self) -> str:
        return "sp:yes" if self.confirmed else "sp:no"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["action"] == "yes") if match else None


ReminderAction = Literal["later", "back", "skip", "snooze"]


@dataclass(frozen=True, slots=True)
class ReminderButton(Button):
    """A button on the daily reminder: `rm:later|back|skip:<delivery id>` and
    `rm:snooze:<delivery id>:<minutes>`."""

    action: ReminderAction
    delivery_id: int
    minutes: int | None = None

    PREFIX: ClassVar[str] = "rm"
    # Bounded ids: a forged 30-digit id would overflow SQLite's integer, not just miss.
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"rm:(?P<action>later|back|skip|snooze):(?P<id>\d{1,18})(?::(?P<minutes>\d{1,4}))?"
    )

    def pack(self) -> str:
        tail = "" if self.minutes is None else f":{self.minutes}"
        return f"rm:{self.action}:{self.delivery_id}{tail}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        if match is None:
            return None
        minutes = None if match["minutes"] is None else int(match["minutes"])
        return cls(match["action"], int(match["id"]), minutes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CheckinButton(Button):
    """An answer to a check-in question: `ci:<check-in id>:<question code>:<value>`."""

    checkin_id: int
    code: str
    value: str

    PREFIX: ClassVar[str] = "ci"
    # Loose on purpose: the check-in handler answers an unknown code or value itself.
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"ci:(?P<id>\d{1,18}):(?P<action>[^:]*):(?P<value>[^:\s]*)"
    )

    def pack(self) -> str:
        return f"ci:{self.checkin_id}:{self.code}:{self.value}"

    @classmethod
    def pattern(cls, *actions: str) -> re.Pattern[str]:
        """As Button.pattern, but the action (the question code) comes after the id."""
        if not actions:  # (no super(): slots=True makes a new class, which it cannot see)
            return re.compile(rf"^(?:{cls.GRAMMAR.pattern})\Z")
        only = "|".join(re.escape(action) for action in actions)
        return re.compile(rf"^ci:(?P<id>\d{{1,18}}):(?P<action>{only}):(?P<value>[^:\s]*)\Z")

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(int(match["id"]), match["action"], match["value"]) if match else None


# Buttons that start something and name no session.
PracticeStart = Literal["today", "short", "again", "list", "about"]
# Buttons that act on one session (and some carry a value: a rating, "skip").
PracticeAction = Literal[
    "tension", "pain", "rest", "go", "next", "back", "stop", "stopyes", "stay", "timer", "add",
    "end", "checkin", "resume", "keep",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class PracticeButton(Button):
    """The practice's buttons: `pr:<start>`, `pr:open|swap:<practice id>` and
    `pr:<action>:<session id>[:<value>]`."""

    action: str
    session_id: int | None = None
    value: str | None = None  # a number, "skip"; or the practice id of open/swap

    PREFIX: ClassVar[str] = "pr"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"pr:(?:(?P<start>today|short|again|list|about)"
        rf"|(?P<pick>open|swap):(?P<practice>{PRACTICE_ID})"
        r"|(?P<act>tension|pain|rest|go|next|back|stop|stopyes|stay|timer|add|end|checkin|resume"
        r"|keep):(?P<session>\d{1,12})(?::(?P<value>\d{1,3}|skip))?)"
    )

    def pack(self) -> str:
        if self.session_id is None:
            return f"pr:{self.action}" + ("" if self.value is None else f":{self.value}")
        tail = "" if self.value is None else f":{self.value}"
        return f"pr:{self.action}:{self.session_id}{tail}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        return cls.from_match(cls.match(data))

    @classmethod
    def from_match(cls, match: re.Match[str] | None) -> Self | None:
        """The button a match of GRAMMAR or of `pattern()` names (a handler's
        `context.matches[0]`); None for no match, or one that stops short of the data's end
        (`$` in a handler's pattern also matches before a final newline)."""
        if match is None or match.end() != len(match.string):
            return None
        if match["start"] is not None:
            return cls(match["start"])
        if match["pick"] is not None:
            return cls(match["pick"], value=match["practice"])
        return cls(match["act"], int(match["session"]), match["value"])


SafetyAction = Literal["yes", "no", "soon", "go"]


@dataclass(frozen=True, slots=True)
class SafetyButton(Button):
    """An answer to the red-flag screen, or "continue" after a hold: `sf:<action>[:<kind>]`.
    A screen asked before a practice carries the practice it holds back (`sf:no:daily`)."""

    action: SafetyAction
    then: Literal["daily", "short"] | None = None

    PREFIX: ClassVar[str] = "sf"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"sf:(?P<action>yes|no|soon|go)(?::(?P<then>daily|short))?"
    )

    def pack(self) -> str:
        return f"sf:{self.action}" + ("" if self.then is None else f":{self.then}")

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["action"], match["then"]) if match else None  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class HistoryButton(Button):
    """History, progress, summary and delete buttons: `hi:h:<page>` (a page), `hi:n:<page>`
    (its notes), `hi:p:<period>`, `hi:wd:<weekday|off>`, `hi:del:<stamp>`, `hi:keep`."""

    action: Literal["h", "n", "p", "wd", "del", "keep"]
    value: str = ""

    PREFIX: ClassVar[str] = "hi"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"hi:(?:(?P<action>h|n):(?P<page>\d{1,4})|(?P<p>p):(?P<period>7|30|90|all)"
        r"|(?P<wd>wd):(?P<day>[0-6]|off)|(?P<del>del):(?P<stamp>\d{1,12})|(?P<keep>keep))"
    )

    def pack(self) -> str:
        return f"hi:{self.action}" + (f":{self.value}" if self.value else "")

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        if match is None:
            return None
        for action, value in (
            (match["action"], match["page"]),
            (match["p"], match["period"]),
            (match["wd"], match["day"]),
            (match["del"], match["stamp"]),
            (match["keep"], ""),
        ):
            if action is not None:
                return cls(action, value)  # type: ignore[arg-type]
        return None  # unreachable: the grammar has no other branch


@dataclass(frozen=True, slots=True)
class AdminButton(Button):
    """An admin's confirmation: `ad:<up|rb|bc>:<ok|no>:<id>` (upload, rollback, broadcast)."""

    action: Literal["up", "rb", "bc"]
    confirmed: bool
    item_id: int

    PREFIX: ClassVar[str] = "ad"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(
        r"ad:(?P<action>up|rb|bc):(?P<answer>ok|no):(?P<id>\d{1,12})"
    )

    def pack(self) -> str:
        return f"ad:{self.action}:{'ok' if self.confirmed else 'no'}:{self.item_id}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        if match is None:
            return None
        return cls(match["action"], match["answer"] == "ok", int(match["id"]))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class LanguageButton(Button):
    """A language to read the bot in (/language, /settings): `lang:<code>`."""

    language: str

    PREFIX: ClassVar[str] = "lang"
    GRAMMAR: ClassVar[re.Pattern[str]] = re.compile(r"lang:(?P<language>[a-z]{2,3})")

    def pack(self) -> str:
        return f"lang:{self.language}"

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        match = cls.match(data)
        return cls(match["language"]) if match else None


# Every prefix the bot has ever sent, and the families under it. A new family takes a new
# prefix; an old prefix is never reused, or an old button would do something new.
FAMILIES: dict[str, tuple[type[Button], ...]] = {
    "more": (MoreButton,),
    "ob": (ZoneButton, TimeButton),
    "st": (SettingsButton,),
    "pz": (PauseButton,),
    "sp": (StopButton,),
    "rm": (ReminderButton,),
    "ci": (CheckinButton,),
    "pr": (PracticeButton,),
    "sf": (SafetyButton,),
    "hi": (HistoryButton,),
    "ad": (AdminButton,),
    "lang": (LanguageButton,),
}


def prefix_pattern(prefix: str) -> re.Pattern[str]:
    """Anything under a prefix, valid or not: the family's handler answers the invalid kindly."""
    if prefix not in FAMILIES:
        raise KeyError(prefix)
    return re.compile(rf"^{re.escape(prefix)}:")
