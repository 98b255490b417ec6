# Pipebook's Python kernel: one warm interpreter that runs task cells one after another, so a task
# pays no interpreter start-up (like a notebook kernel). The agent writes commands as JSON lines
# on fd 3 and reads answers as JSON lines on fd 4. A task's own stdout and stderr are this
# process's fds 1 and 2, which the agent reads as the task's logs; after each task a marker line
# on both tells the agent that all of that task's output has arrived.
import json
import os
import signal
import sys
import threading
import time

# Compiling a cell, binding its inputs and calling main(): shared with the Dask runner's workers.
import pipebook_cell

MARK = "\x00" + os.environ.pop("PIPEBOOK_KERNEL_MARK") + "\n"

commands = os.fdopen(3, "r", encoding="utf-8", newline="\n")
answers = os.fdopen(4, "w", encoding="utf-8", buffering=1)
sys.stdin = open(os.devnull, "r")

# The running task; "context" holds the secrets and variables it declares (read by pipebook.py).
current = {"task": None, "attempt": None, "context": {}}


def send(message):
    answers.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
    answers.flush()


def log(level, message):
    """Used by the pipebook module's logger: a log line with a level, in order with the task."""
    send({"type": "log", "level": level, "message": str(message)})


def run(command):
    task = command["task"]
    current["task"], current["attempt"] = task, command["attempt"]
    current["context"] = command.get("context") or {}
    saved_env = dict(os.environ)
    os.environ.update(command.get("env", {}))
    os.chdir(command["cwd"])
    try:
        outcome = pipebook_cell.execute(task, command["code"], command["inputs"])
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        current["task"] = current["attempt"] = None
        current["context"] = {}
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, MARK.encode())
        os.write(2, MARK.encode())
    send({"type": "done", **outcome})


def watch_parent():
    """If the agent dies (even by SIGKILL), take this kernel and whatever its task started along."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os.killpg(os.getpgrp(), signal.SIGKILL)


def serve():
    threading.Thread(target=watch_parent, daemon=True).start()
    sys.modules["pipebook_kernel"] = sys.modules[__name__]
    send({"type": "ready", "pid": os.getpid(), "version": sys.version.split()[0]})
    for line in commands:
        if line.strip():
            run(json.loads(line))


if __name__ == "__main__":
    serve()
