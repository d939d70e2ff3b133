"""A Telegram bot that coaches a gentle daily practice for the psoas muscle."""
