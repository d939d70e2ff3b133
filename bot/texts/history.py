"""Messages for history, progress, exports and data rights."""

MESSAGES: dict[str, str] = {
}
