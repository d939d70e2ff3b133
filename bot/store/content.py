"""Content versions (every content set applied, with its files), the admin audit log, and
uploads waiting for the admin's Apply."""

from __future__ import annotations

import json
from datetime import datetime

from bot.content import ContentInvalid, Library, build_library
from bot.store.connection import Tables, inserted_id, to_db
from bot.store.records import (
    AuditEntry,
    ContentVersion,
    PendingUpload,
)

# A version without its files: the listing never loads whole content sets.
_VERSION_SELECT = "SELECT id, created_utc, admin_id, checksum, summary FROM content_versions "


class ContentQueries(Tables):
    def archive_content(
        self, library: Library, summary: list[str], *, admin_id: int | None, now: datetime
    ) -> int:
        """Archives a content set unless it is the newest one already; returns its version id."""
        latest = self._one("SELECT id, checksum FROM content_versions ORDER BY id DESC LIMIT 1")
        if latest is not None and latest["checksum"] == library.checksum:
            return latest["id"]
        cursor = self.db.execute(
            "INSERT INTO content_versions (created_utc, admin_id, checksum, summary, files) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                to_db(now),
                admin_id,
                library.checksum,
                "\n".join(summary) or "no changes",
                json.dumps(dict(library.files), ensure_ascii=False),
            ),
        )
        return inserted_id(cursor)

    def content_version(self, version_id: int) -> Library | None:
        row = self._one("SELECT files FROM content_versions WHERE id = ?", (version_id,))
        return None if row is None else build_library(json.loads(row["files"]))

    def latest_content(self) -> tuple[Library, int] | None:
        """The newest archived content set that still validates, with its version id."""
        for row in self.db.query("SELECT id, files FROM content_versions ORDER BY id DESC"):
            try:
                return build_library(json.loads(row["files"])), row["id"]
            except ContentInvalid:
                continue
        return None

    def record_audit(
        self, admin_id: int, action: str, result: str, now: datetime, detail: str = ""
    ) -> None:
        self.db.execute(
            "INSERT INTO audit_log (at_utc, admin_id, action, detail, result) VALUES (?,?,?,?,?)",
            (to_db(now), admin_id, action, detail, result),
        )

    def content_versions(self, limit: int = 10) -> list[ContentVersion]:
        """The newest archived versions first, without their files."""
        rows = self.db.query(_VERSION_SELECT + "ORDER BY id DESC LIMIT ?", (limit,))
        return [ContentVersion.from_row(row) for row in rows]

    def content_version_info(self, version_id: int) -> ContentVersion | None:
        row = self._one(_VERSION_SELECT + "WHERE id = ?", (version_id,))
        return None if row is None else ContentVersion.from_row(row)

    def audit_entries(self, limit: int = 50) -> list[AuditEntry]:
        rows = self.db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [AuditEntry.from_row(row) for row in rows]

    def add_pending_upload(
        self,
        admin_id: int,
        file_name: str,
        base: str,
        files: dict[str, str],
        summary: list[str],
        now: datetime,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO pending_uploads (admin_id, file_name, base, files, summary, created_utc) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                admin_id,
                file_name,
                base,
                json.dumps(dict(files), ensure_ascii=False),
                "\n".join(summary),
                to_db(now),
            ),
        )
        return inserted_id(cursor)

    def pending_upload(self, upload_id: int) -> PendingUpload | None:
        row = self._one("SELECT * FROM pending_uploads WHERE id = ?", (upload_id,))
        return None if row is None else PendingUpload.from_row(row)

    def expire_pending_uploads(self, before: datetime) -> int:
        """Uploads never applied nor cancelled by `before` are dropped (their files freed)."""
        cursor = self.db.execute(
            "UPDATE pending_uploads SET status = 'expired', files = '{}' "
            "WHERE status = 'pending' AND created_utc < ?",
            (to_db(before),),
        )
        return cursor.rowcount

    def close_pending_upload(self, upload_id: int, status: str) -> bool:
        """Moves a pending upload to applied or cancelled; False if it was not pending."""
        cursor = self.db.execute(
            "UPDATE pending_uploads SET status = ?, files = '{}' "
            "WHERE id = ? AND status = 'pending'",
            (status, upload_id),
        )
        return cursor.rowcount == 1
