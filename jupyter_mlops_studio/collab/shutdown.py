"""Let the server process exit once it has stopped, although the update stores used threads.

The collaboration stores run their SQLite calls on AnyIO worker threads. Those threads are not
daemons and stop only when the task that started AnyIO's thread pool completes, which never
happens when Jupyter stops its event loop: the process then waits for them forever after a
SIGTERM or Ctrl-C (jupyter-collaboration's issue #161). A daemon thread waits for the main
thread to finish and then tells every idle AnyIO worker to stop, as AnyIO itself would have.
"""

from __future__ import annotations

import threading

WORKER_NAME = "AnyIO worker thread"
_started = False


def _release_workers() -> None:
    threading.main_thread().join()
    for thread in threading.enumerate():
        stop = getattr(thread, "stop", None)
        if thread.name != WORKER_NAME or not callable(stop) or getattr(thread, "stopping", True):
            continue
        try:
            stop()
        except Exception:  # noqa: S110 - a worker that is busy or gone: nothing to release
            pass


def release_workers_at_exit() -> None:
    """Start the watcher (once per process)."""
    global _started
    if not _started:
        _started = True
        threading.Thread(target=_release_workers, name="studio-exit", daemon=True).start()
