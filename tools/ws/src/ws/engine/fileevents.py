"""File events under a folder, from watchdog (inotify, FSEvents...), as the watch loop takes
them: the next changed path within a timeout."""
from __future__ import annotations

import os
import queue
from pathlib import Path
from typing import Any, Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer


class FileEvents:
    """Changed files under `root` (relative, with /) that `wanted` keeps; close() when done."""

    def __init__(self, root: Path, wanted: Callable[[str], bool]) -> None:
        self.root, self.wanted = root.resolve(), wanted
        self.queue: queue.Queue[str] = queue.Queue()
        self.observer: Any = Observer()
        self.observer.schedule(_Handler(self._seen), str(self.root), recursive=True)
        self.observer.start()

    def __call__(self, timeout: float | None) -> str | None:
        """The next path within `timeout` seconds (None: wait, in short waits a Ctrl-C ends)."""
        while True:
            try:
                return self.queue.get(timeout=0.5 if timeout is None else timeout)
            except queue.Empty:
                if timeout is not None:
                    return None

    def _seen(self, path: str) -> None:
        try:
            rel = Path(os.path.relpath(path, self.root)).as_posix()
        except ValueError:  # another drive
            return
        if not rel.startswith("..") and self.wanted(rel):
            self.queue.put(rel)

    def close(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


class _Handler(FileSystemEventHandler):
    def __init__(self, seen: Callable[[str], None]) -> None:
        self.seen = seen

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        self.seen(str(getattr(event, "dest_path", "") or event.src_path))
        if event.event_type == "moved":  # a save by rename: the old name changed too
            self.seen(str(event.src_path))
