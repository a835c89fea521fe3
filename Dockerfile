# research-hub-bot: a slim image that runs python -m bot as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HUB_DATABASE_PATH=/data/hub.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY sandbox ./sandbox
COPY migrations ./migrations
COPY config ./config
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 hub \
    && mkdir -p /data && chown hub:hub /data

USER hub
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
