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


_JSON_SCALARS = (str, int, float, bool, type(None))


def _describe_path(path):
    return "result" + "".join(f"[{key!r}]" if isinstance(key, int) else f"[{json.dumps(key)}]" for key in path)


def find_unserialisable(value):
    """Where a value JSON cannot hold is, and what it is: 'result["when"] is a datetime'."""
    stack = [(value, ())]
    seen = set()
    while stack:
        item, path = stack.pop()
        if isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            return f"{_describe_path(path)} is {item!r}, which JSON cannot hold"
        if isinstance(item, _JSON_SCALARS):
            continue
        if id(item) in seen:
            continue  # shared, or a cycle (which json names itself)
        if isinstance(item, dict):
            seen.add(id(item))
            for key, child in reversed(list(item.items())):
                if not isinstance(key, _JSON_SCALARS):
                    return f"{_describe_path(path)} has a key {key!r} of type {type(key).__name__}"
                stack.append((child, path + (key,)))
        elif isinstance(item, (list, tuple)):
            seen.add(id(item))
            for index in range(len(item) - 1, -1, -1):
                stack.append((item[index], path + (index,)))
        else:
            return f"{_describe_path(path)} is a {type(item).__name__}"
    return None


def serialise(result, result_file, inline_limit):
    """The result as JSON: inline up to `inline_limit` bytes, else streamed into `result_file`
    (a 1 GB result is written chunk by chunk, never held as one string)."""
    encoder = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    chunks, size, out = [], 0, None
    try:
        for chunk in encoder.iterencode(result):
            data = chunk.encode("utf-8")
            size += len(data)
            if out is not None:
                out.write(data)
            elif result_file is not None and inline_limit is not None and size > inline_limit:
                out = open(result_file, "wb", buffering=1024 * 1024)
                out.writelines(chunks)
                out.write(data)
                chunks = None
            else:
                chunks.append(data)
    except (TypeError, ValueError, RecursionError) as error:
        if out is not None:
            out.close()
        where = find_unserialisable(result)
        raise TaskFailure(
            "ResultNotSerializable",
            f"main() returned a value that is not JSON: {where}" if where else f"main() returned a value that is not JSON: {error}",
        )
    if out is not None:
        out.close()
        return {"ok": True, "resultFile": result_file, "sizeBytes": size}
    return {"ok": True, "resultJson": b"".join(chunks).decode("utf-8")}


async def _await(awaitable):
    return await awaitable


def execute(task, code, inputs, result_file=None, inline_limit=None):
    """Runs the cell of `task` with `inputs`; returns its outcome (never raises for user code).

    With `result_file`, a result larger than `inline_limit` bytes of JSON is written there
    (streamed) and the outcome names the file instead of carrying the text."""
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
        return serialise(result, result_file, inline_limit)
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
