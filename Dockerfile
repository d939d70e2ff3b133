FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BOT_DB=/app/data/bot.db
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir .
COPY content ./content

RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown -R bot /app/data /app/content
USER bot
VOLUME ["/app/data"]
CMD ["python", "-m", "bot", "run"]
