# Running one task cell: compile its code, bind the task's inputs to main(...), call it (awaiting an
# async main), and turn what happened into an outcome — {"ok": True, "resultJson"} or
# {"ok": False, "error": {type, message, traceback?}}. Shared by the agent's warm kernel
# (kernel.py) and the Dask runner's worker function (agent/runners/dask/), so a cell behaves the
# same wherever it runs. Nothing here touches process-wide state (environment, cwd, stdout): a Dask
# worker runs several cells at once in threads; the caller sets those up where it can.
import asyncio
import inspect
import json
import linecache
import threading
import traceback


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
    """The traceback from the task's first frame on: the runner's own frames say nothing useful.

    An error raised before any of the task's code ran (a syntax error found when the cell was
    compiled) shows no frames at all: a SyntaxError still names the cell's line by itself.
    """
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


# Cells registered with linecache (so tracebacks show their source lines), counted: the items of a
# mapped task run at once on a Dask worker under one file name, and the first to end must not
# take the source away from the others.
_sources = {}
_sources_lock = threading.Lock()


def _register(filename, code):
    with _sources_lock:
        _sources[filename] = _sources.get(filename, 0) + 1
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)


def _unregister(filename):
    with _sources_lock:
        left = _sources.get(filename, 1) - 1
        if left <= 0:
            _sources.pop(filename, None)
            linecache.cache.pop(filename, None)
        else:
            _sources[filename] = left


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


async def _await(awaitable):
    return await awaitable


def execute(task, code, inputs):
    """Runs the cell of `task` with `inputs`; returns its outcome (never raises for user code)."""
    # Named like Python's own "<string>": tracebacks read File "<task transform>", line 3.
    filename = f"<task {task}>"
    _register(filename, code)
    try:
        namespace = {"__name__": "__pipebook_task__", "__file__": f"{task}.py"}
        exec(compiled(code, filename), namespace)
        main = namespace.get("main")
        if not callable(main):
            raise TaskFailure("NoEntryPoint", f"task {task!r} defines no main() to call")
        result = main(**bind(main, inputs, task))
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        try:
            text = json.dumps(result, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            raise TaskFailure("ResultNotSerializable", f"main() returned a value that is not JSON: {error}")
        return {"ok": True, "resultJson": text}
    except TaskFailure as error:
        return {"ok": False, "error": {"type": error.kind, "message": str(error)}}
    except SystemExit as error:
        if error.code in (None, 0):
            return {"ok": True, "resultJson": "null"}
        return {
            "ok": False,
            "error": {"type": "SystemExit", "message": f"the task called sys.exit({error.code!r})"},
        }
    except BaseException as error:  # noqa: BLE001 — every failure of user code is reported
        return {
            "ok": False,
            "error": {
                "type": type(error).__name__,
                "message": str(error) or type(error).__name__,
                "traceback": task_traceback(error, filename),
            },
        }
    finally:
        _unregister(filename)
