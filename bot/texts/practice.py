"""Messages for guided practice sessions and timers."""

MESSAGES: dict[str, str] = {
}
