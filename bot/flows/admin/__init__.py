"""Admin commands, one module per concern: content.py (/reload, /preview, uploads, /versions,
/rollback, /content), stats.py (/stats), broadcast.py (/broadcast), menu.py (/help, the
command menu, start-up), shared.py (the button guard, the audit log).

Only for Telegram user ids in BOT_ADMIN_IDS. The handlers carry a User filter, so anyone
else's /reload falls through to the unknown-command answer, word for word the same as for a
command that does not exist; a forged `ad:` button gets the expired-button answer. Every admin
action is written to the audit log (who, what, when, result), never subscriber data.
"""
