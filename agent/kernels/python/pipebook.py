"""Pipebook helpers for Python task cells.

    from pipebook import get_logger
    log = get_logger()
    log.info("fetched %d repositories", n)

Lines logged here appear in the run's logs with their level (print() lines are "info", stderr
lines "warning").
"""
import logging
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
