# What a Dask worker runs for one Pipebook task attempt (shipped to the workers by bridge.py as
# source, so a worker needs nothing of Pipebook installed). The cell runs through the same
# pipebook_cell.execute as in the agent's kernel. A worker runs several attempts at once in
# threads, so what the kernel does per process is done here per thread: print() and stderr
# lines, and `pipebook.get_logger()` records, are caught for the running thread only, each with
# its time and level (stderr = warning). They stream to the agent while the attempt runs (Dask
# worker events, flushed every 0.2 s), and all of them come back with the outcome too: the
# bridge forwards those the stream had not brought, so none is lost or doubled.
import io
import os
import sys
import threading
import time

import pipebook_cell

_local = threading.local()
FLUSH_SECONDS = 0.2
# Running attempts by id: their lines, how many were streamed, and where to stream them.
_active = {}
_active_lock = threading.Lock()
_flusher = []


class _Current:
    """The running task of this thread, as pipebook.py reads it from "pipebook_kernel"."""

    def get(self, key, default=None):
        state = getattr(_local, "state", None)
        return default if state is None else state.get(key, default)


current = _Current()


def _now_ms():
    return int(time.time() * 1000)


def log(level, message):
    """Called by pipebook.get_logger()'s handler."""
    lines = getattr(_local, "lines", None)
    if lines is None:  # not inside a Pipebook task: behave like a plain logger
        print(f"{level.upper()} {message}", file=sys.__stderr__)
        return
    for line in str(message).split("\n"):
        lines.append([_now_ms(), level, line])


class _ThreadStream(io.TextIOBase):
    """sys.stdout / sys.stderr of the worker: a task thread's text is caught, the rest passes."""

    def __init__(self, original, level):
        self.original = original
        self.level = level

    def write(self, text):
        buffers = getattr(_local, "buffers", None)
        if buffers is None:
            return self.original.write(text)
        pending = buffers[self.level] + text
        *complete, rest = pending.split("\n")
        at = _now_ms()
        for line in complete:
            _local.lines.append([at, self.level, line[:-1] if line.endswith("\r") else line])
        buffers[self.level] = rest
        return len(text)

    def flush(self):
        if getattr(_local, "buffers", None) is None:
            self.original.flush()

    def isatty(self):
        return False

    def fileno(self):
        return self.original.fileno()

    @property
    def encoding(self):
        return getattr(self.original, "encoding", "utf-8")


_install_lock = threading.Lock()


def _install():
    with _install_lock:
        if not isinstance(sys.stdout, _ThreadStream):
            sys.stdout = _ThreadStream(sys.stdout, "info")
        if not isinstance(sys.stderr, _ThreadStream):
            sys.stderr = _ThreadStream(sys.stderr, "warning")
        # pipebook.py finds the running task and its logger's way out through this name.
        sys.modules["pipebook_kernel"] = sys.modules[__name__]


def _flush():
    """Streams the lines each running attempt wrote since the last flush."""
    batches = []
    with _active_lock:
        for id_, entry in _active.items():
            count = len(entry["lines"])
            if count > entry["sent"]:
                batches.append((entry, id_, entry["sent"], entry["lines"][entry["sent"] : count]))
                entry["sent"] = count
    for entry, id_, start, lines in batches:
        entry["worker"].log_event(entry["topic"], {"type": "lines", "id": id_, "start": start, "lines": lines})


def _flush_forever():
    while True:
        time.sleep(FLUSH_SECONDS)
        try:
            _flush()
        except Exception:  # noqa: BLE001 — the outcome still brings every line
            pass


def run(payload, worker, topic):
    """One attempt: the outcome plus the lines it printed and logged, and where it ran."""
    _install()
    with _active_lock:
        if not _flusher:
            _flusher.append(threading.Thread(target=_flush_forever, daemon=True, name="pipebook-lines"))
            _flusher[0].start()
    _local.state = {
        "task": payload["task"],
        "attempt": payload["attempt"],
        "context": payload.get("context") or {},
    }
    _local.lines = []
    _local.buffers = {"info": "", "warning": ""}
    with _active_lock:
        _active[payload["id"]] = {"lines": _local.lines, "sent": 0, "worker": worker, "topic": topic}
    try:
        outcome = pipebook_cell.execute(payload["task"], payload["code"], payload["inputs"])
    finally:
        with _active_lock:
            _active.pop(payload["id"], None)
        for level, rest in _local.buffers.items():
            if rest:
                _local.lines.append([_now_ms(), level, rest])
        lines = _local.lines
        _local.state = _local.lines = _local.buffers = None
    outcome["lines"] = lines
    outcome["worker"] = worker.address
    outcome["pid"] = os.getpid()
    return outcome
