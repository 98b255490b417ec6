# Pipebook's Python kernel: one warm interpreter that runs task cells one after another, so a task
# pays no interpreter start-up (like a notebook kernel). The agent writes commands as JSON lines
# on fd 3 and reads answers as JSON lines on fd 4. A task's own stdout and stderr are this
# process's fds 1 and 2, which the agent reads as the task's logs; after each task a marker line
# on both tells the agent that all of that task's output has arrived.
import asyncio
import inspect
import json
import linecache
import os
import signal
import sys
import threading
import time
import traceback

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


class TaskFailure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


_signatures = {}


def parameters_of(main):
    """(takes **kwargs, [(name, required)]) of main — kept per code object: inspect.signature
    costs ~35 µs, and a mapped task's items all call the same code."""
    key = getattr(main, "__code__", None)
    found = _signatures.get(key) if key is not None else None
    if found is None:
        params = inspect.signature(main).parameters.values()
        found = (
            any(p.kind == p.VAR_KEYWORD for p in params),
            [(p.name, p.default is p.empty) for p in params if p.kind != p.VAR_POSITIONAL],
        )
        if key is not None:
            if len(_signatures) > 64:
                _signatures.clear()
            _signatures[key] = found
    return found


def bind(main, inputs, task):
    """Keyword arguments for main: the inputs it declares (all of them if it takes **kwargs)."""
    takes_all, params = parameters_of(main)
    if takes_all:
        return dict(inputs)
    kwargs, missing = {}, []
    for name, required in params:
        if name in inputs:
            kwargs[name] = inputs[name]
        elif required:
            missing.append(name)
    if missing:
        available = ", ".join(sorted(inputs)) or "nothing"
        raise TaskFailure(
            "BindingError",
            f"main() of task {task!r} needs {', '.join(missing)}, but the task receives only: "
            f"{available} (the flow's parameters and the results of its upstream tasks)",
        )
    return kwargs


def task_traceback(error, filename):
    """The traceback from the task's first frame on: the kernel's own frames say nothing useful.

    An error raised before any of the task's code ran (a syntax error found when the cell was
    compiled) shows no frames at all: a SyntaxError still names the cell's line by itself.
    """
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


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


_compiled = {}


def compiled(code, filename):
    """A cell's code object, compiled once: a mapped task runs the same cell for every item."""
    key = (filename, code)
    found = _compiled.get(key)
    if found is None:
        if len(_compiled) > 64:
            _compiled.clear()
        found = _compiled[key] = compile(code, filename, "exec")
    return found


def run(command):
    task, code = command["task"], command["code"]
    # Named like Python's own "<string>": tracebacks read File "<task transform>", line 3.
    filename = f"<task {task}>"
    current["task"], current["attempt"] = task, command["attempt"]
    current["context"] = command.get("context") or {}
    # The environment as bytes (os.environ's own dict): copying and comparing it is one C call,
    # where os.environ.clear() + update() cost ~300 µs a task (measured), more than a trivial
    # task itself — the bulk of a 10,000-item fan-out.
    saved_env = dict(os.environ._data)
    os.environ.update(command.get("env", {}))
    os.chdir(command["cwd"])
    outcome = None
    try:
        # Registered with linecache so that tracebacks show the cell's source lines.
        lines = code.splitlines(True)
        linecache.cache[filename] = (len(code), None, lines, filename)
        namespace = {"__name__": "__pipebook_task__", "__file__": f"{task}.py"}
        exec(compiled(code, filename), namespace)
        main = namespace.get("main")
        if not callable(main):
            raise TaskFailure("NoEntryPoint", f"task {task!r} defines no main() to call")
        result = main(**bind(main, command["inputs"], task))
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        try:
            text = json.dumps(result, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            raise TaskFailure("ResultNotSerializable", f"main() returned a value that is not JSON: {error}")
        outcome = {"type": "done", "ok": True, "resultJson": text}
    except TaskFailure as error:
        outcome = {"type": "done", "ok": False, "error": {"type": error.kind, "message": str(error)}}
    except SystemExit as error:
        if error.code in (None, 0):
            outcome = {"type": "done", "ok": True, "resultJson": "null"}
        else:
            outcome = {
                "type": "done",
                "ok": False,
                "error": {"type": "SystemExit", "message": f"the task called sys.exit({error.code!r})"},
            }
    except BaseException as error:  # noqa: BLE001 — every failure of user code is reported
        outcome = {
            "type": "done",
            "ok": False,
            "error": {
                "type": type(error).__name__,
                "message": str(error) or type(error).__name__,
                "traceback": task_traceback(error, filename),
            },
        }
    finally:
        restore_environment(saved_env)
        linecache.cache.pop(filename, None)
        current["task"] = current["attempt"] = None
        current["context"] = {}
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, MARK.encode())
        os.write(2, MARK.encode())
    send(outcome)


async def _await(awaitable):
    return await awaitable


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
