"""Messages for admin commands (content, versions, stats, broadcast)."""

MESSAGES: dict[str, str] = {
}
