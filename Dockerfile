FROM python:3.11-slim

# Content lives in its own folder that the bot may rewrite: admin uploads and rollbacks build
# the new folder next to the old one and swap them with renames, so the parent must be writable.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BOT_DB=/app/data/bot.db BOT_CONTENT_DIR=/app/library/content BOT_PLACES_DIR=/app/places
WORKDIR /app
# A fallback font for Chinese, Japanese and Korean notes in the PDF report (bot/exports.py).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir . && python -m bot.places /app/places
COPY content ./library/content

RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown -R bot /app/data /app/library
USER bot
# The city index for typed places is built above, read-only: no build on first start.
# The database, and the content as admins edit it (seeded from the image on first start).
VOLUME ["/app/data", "/app/library"]
# The bot's heartbeat (BOT_DB's folder/health) must be younger than 90 s: see bot/health.py.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
