"""Pipebook helpers for Python task cells.

    from pipebook import get_logger, get_secret, get_variable
    log = get_logger()
    log.info("fetched %d repositories", n)
    token = get_secret("GITHUB_TOKEN")      # the task declares secrets: [GITHUB_TOKEN]
    repos = get_variable("REPOS")           # the task declares variables: [REPOS]
    save_artifact("report.html", html)      # uploaded with the attempt's artifacts

Lines logged here appear in the run's logs with their level (print() lines are "info", stderr
lines "warning"). A secret's value is masked as *** in the run's stored logs and results.
"""
import logging
import os
import shutil
import sys

_LEVELS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warning",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}


class _AgentHandler(logging.Handler):
    def emit(self, record):
        try:
            kernel = sys.modules.get("pipebook_kernel")
            level = _LEVELS.get(record.levelno, "info")
            message = self.format(record)
            if kernel is not None:
                kernel.log(level, message)
            else:  # outside Pipebook: behave like a plain logger
                print(f"{level.upper()} {message}", file=sys.stderr)
        except Exception:  # noqa: BLE001 — logging must never break the task
            self.handleError(record)


def get_logger(name="task"):
    """A logger whose lines go to the run's logs with their level."""
    logger = logging.getLogger(f"pipebook.{name}")
    if not any(isinstance(h, _AgentHandler) for h in logger.handlers):
        handler = _AgentHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


class NotDeclaredError(LookupError):
    """A task asked for a secret or variable it does not declare in the flow file."""


def _declared(kind, name):
    kernel = sys.modules.get("pipebook_kernel")
    if kernel is None:
        # Outside Pipebook (trying a cell on one's own machine): the environment variable.
        if name not in os.environ:
            raise NotDeclaredError(
                f"{name} is not set: outside a Pipebook task, get_{kind}() reads the environment variable of that name"
            )
        return os.environ[name]
    task = kernel.current.get("task")
    values = (kernel.current.get("context") or {}).get(f"{kind}s") or {}
    if task is None:
        raise NotDeclaredError(f"get_{kind}({name!r}) was called when no task was running")
    if name not in values:
        raise NotDeclaredError(
            f'task "{task}" does not declare {kind} "{name}": add it to the task in the flow file '
            f"({kind}s: [{name}]); a task reads only the {kind}s it declares"
        )
    return values[name]


def get_secret(name):
    """The value of a secret the task declares (`secrets: [NAME]` in the flow file), a string."""
    return _declared("secret", name)


def get_variable(name):
    """The value of a variable the task declares (`variables: [NAME]`): any JSON value."""
    return _declared("variable", name)


def save_artifact(name, data_or_path):
    """Saves an artifact of the running attempt into $PIPEBOOK_ARTIFACTS (uploaded to the run's
    storage when the attempt ends). `data_or_path`: bytes (written as they are), a pathlib.Path or
    a str naming an existing file (copied), or any other str (written as UTF-8 text). `name` may
    hold folders ("plots/loss.png"). Outside Pipebook it writes to ./artifacts. Returns the path."""
    parts = name.split("/") if isinstance(name, str) else []
    if (
        not parts
        or len(name) > 255
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(
            f"save_artifact({name!r}): the name is a relative path without '.' or '..' parts, "
            "at most 255 characters"
        )
    folder = os.environ.get("PIPEBOOK_ARTIFACTS") or os.path.abspath("artifacts")
    target = os.path.join(folder, *parts)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if isinstance(data_or_path, (bytes, bytearray, memoryview)):
        with open(target, "wb") as out:
            out.write(data_or_path)
    elif isinstance(data_or_path, os.PathLike) or (
        isinstance(data_or_path, str) and os.path.isfile(data_or_path)
    ):
        shutil.copyfile(data_or_path, target)
    elif isinstance(data_or_path, str):
        with open(target, "w", encoding="utf-8") as out:
            out.write(data_or_path)
    else:
        raise TypeError(
            f"save_artifact({name!r}): the data is bytes, text, or the path of a file to copy, "
            f"not {type(data_or_path).__name__}"
        )
    return target
