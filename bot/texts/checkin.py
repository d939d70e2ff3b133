"""Messages for check-ins and safety replies."""

MESSAGES: dict[str, str] = {
}
