"""A Telegram bot that coaches a gentle daily practice for the psoas muscle."""

import os

# PTB 22 reports RetryAfter.retry_after as a timedelta only when asked; without this it warns
# (and a deprecation warning is an error in our tests). Our code accepts both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
