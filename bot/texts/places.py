"""Words around time zones and places. City and country names themselves come from CLDR
through Babel (bot/zones.py, bot/places.py), not from here."""

MESSAGES: dict[str, str] = {
    # "Europe/Berlin (UTC+01:00 now)": a zone as a person can check it.
    "pl_zone_now": "{zone} ({offset} now)",
    # A town named as typed, with the city its time zone is named after: shown only in
    # languages whose city names the index lacks ("Moscow, Idaho" is in Boise's zone).
    "pl_city_zone": "{city} · {zone} time",
}
