#!/bin/sh
# Starts the bot (or whatever command is given) after one first-start step: a content folder
# that is empty or missing (a fresh bind mount such as -v ./content:/app/library/content) is
# filled from the image's default content. A folder that holds anything is never touched.
set -eu
folder="${BOT_CONTENT_DIR:-/app/library/content}"
defaults="${BOT_DEFAULT_CONTENT:-/app/default-content}"
if [ -z "$(ls -A "$folder" 2>/dev/null)" ]; then
    if ! mkdir -p "$folder" 2>/dev/null || ! cp -R "$defaults/." "$folder/" 2>/dev/null; then
        echo "error: can't write the content folder $folder: make it writable for uid $(id -u)" \
            "(on the host: sudo chown $(id -u) FOLDER)" >&2
        exit 2
    fi
    echo "content: copied the default content into the empty folder $folder" >&2
fi
exec "$@"
