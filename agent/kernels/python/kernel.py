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


def restore_environment(saved):
    """Undoes what the task (and its command's env) changed in os.environ, and only that."""
    current = os.environ._data
    if current == saved:
        return
    for key in [k for k in current if k not in saved]:
        os.unsetenv(key)
        del current[key]
    for key, value in saved.items():
        if current.get(key) != value:
            os.putenv(key, value)
            current[key] = value


# The inputs common to a mapped task's items, as its lane's first item sent them (see
# agent/kernels/kernel-lane.ts): later items send only their own values and `shared: {id}`.
shared = {"id": None, "values": {}}


def inputs_of(command):
    inputs = _inputs_of(command)
    # Large upstream results come as files (the agent never holds them): read here, in the task.
    files = command.get("inputFiles")
    if files:
        inputs = dict(inputs)
        for name, path in files.items():
            with open(path, "rb") as f:
                inputs[name] = json.load(f)
    return inputs


def _inputs_of(command):
    ref = command.get("shared")
    if ref is None:
        return command["inputs"]
    if "values" in ref:
        shared["id"], shared["values"] = ref["id"], ref["values"]
    elif shared["id"] != ref["id"]:
        raise RuntimeError(f"this kernel does not hold the inputs {ref['id']!r} (it holds {shared['id']!r})")
    return {**shared["values"], **command["inputs"]}


def run(command):
    task = command["task"]
    current["task"], current["attempt"] = task, command["attempt"]
    current["context"] = command.get("context") or {}
    # The environment as bytes (os.environ's own dict): copying and comparing it is one C call,
    # where os.environ.clear() + update() cost ~300 µs a task (measured), more than a trivial
    # task itself — the bulk of a 10,000-item fan-out.
    saved_env = dict(os.environ._data)
    os.environ.update(command.get("env", {}))
    os.chdir(command["cwd"])
    try:
        outcome = pipebook_cell.execute(
            task,
            command["code"],
            inputs_of(command),
            command.get("resultFile"),
            command.get("inlineLimit"),
        )
    finally:
        restore_environment(saved_env)
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
