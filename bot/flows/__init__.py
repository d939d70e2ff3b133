"""Thin handlers, one module per conversation. They are wired, in a fixed order, by
build_application (bot/app.py); importing one registers nothing."""
