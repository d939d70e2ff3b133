"""Message bodies and keyboards: what the bot shows, built from values; no I/O."""
