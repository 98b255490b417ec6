# The Dask runner's bridge: one long-lived Python process per scheduler address, started by the
# agent (client.ts). It holds one distributed.Client and turns each Python task attempt of a dask
# run into a future on the cluster. The agent writes commands as JSON lines on stdin and reads
# answers as JSON lines on fd 3 (stdout and stderr stay Dask's own logs):
#   {"op": "submit", "id", "payload": {task, attempt, item?, code, inputs, context?}}
#   {"op": "cancel", "id"}
#   <- {"type": "ready", "scheduler", "workers", "threads", "version"} | {"type": "fatal", "message"}
#   <- {"type": "cluster", "workers", "threads"} when the cluster grows or shrinks
#   <- {"type": "lines", "id", "lines": [[ms, level, text], …]} while the attempt runs
#   <- {"type": "done", "id", "ok", "resultJson" | "error", "lines" (the rest), "worker", "pid"}
# A worker that dies under an attempt fails that attempt ("WorkerLost") instead of letting Dask
# run it again unseen: the task's own retries decide what happens next, as on the agent.
import hashlib
import json
import os
import sys
import threading
import time
import traceback
import uuid

answers = os.fdopen(3, "w", encoding="utf-8", buffering=1)
_write_lock = threading.Lock()


def send(message):
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    with _write_lock:
        answers.write(text + "\n")
        answers.flush()


HERE = os.path.dirname(os.path.abspath(__file__))
# What a worker needs, as source (loaded there by run_attempt, so workers that join later get it
# too and nothing of Pipebook is installed on them): the cell runner shared with the kernel, the
# pipebook SDK module task cells import, and the worker-side capture.
MODULES = ["pipebook_cell", "pipebook", "pipebook_dask_task"]
SOURCES = {}
for _name in MODULES:
    with open(os.path.join(HERE, f"{_name}.py"), encoding="utf-8") as _f:
        SOURCES[_name] = _f.read()
SOURCES_HASH = hashlib.sha256(json.dumps(SOURCES, sort_keys=True).encode()).hexdigest()[:16]


def run_attempt(payload, topic):
    """Runs on a worker (pickled by value with SOURCES: it is defined in __main__)."""
    import sys as _sys
    import threading as _threading
    import types

    from distributed import get_worker

    # A worker's threads start attempts at once: one loads the sources while the others wait.
    # Two threads loading them both left an attempt that had started on the first copy logging
    # through the second (pipebook_kernel), whose thread-locals know nothing of it: its
    # get_logger() lines were lost (seen in CI: one of 24 lines). dict.setdefault is atomic.
    lock = vars(_sys).setdefault("_pipebook_sources_lock", _threading.Lock())
    with lock:
        loaded = _sys.modules.get("pipebook_dask_task")
        if getattr(loaded, "PIPEBOOK_SOURCES", None) != SOURCES_HASH:
            for name in MODULES:
                module = types.ModuleType(name)
                module.__file__ = f"<pipebook {name}>"
                _sys.modules[name] = module
                exec(compile(SOURCES[name], f"{name}.py", "exec"), module.__dict__)
            _sys.modules["pipebook_dask_task"].PIPEBOOK_SOURCES = SOURCES_HASH
    worker = get_worker()
    worker.log_event(topic, {"type": "started", "id": payload["id"], "worker": worker.address})
    return _sys.modules["pipebook_dask_task"].run(payload, worker, topic)


class Bridge:
    def __init__(self, client):
        self.client = client
        # The workers' events for this bridge: an attempt started, an attempt's lines.
        self.topic = f"pipebook-{uuid.uuid4().hex[:12]}"
        self.lock = threading.Lock()
        # id -> {"future", "workers": [addresses it started on], "forwarded": lines sent on}
        self.attempts = {}
        client.subscribe_topic(self.topic, self.on_event)

    def submit(self, id_, payload):
        payload = dict(payload, id=id_)
        key = f"pipebook-{payload['task']}-{payload.get('item', '')}-{payload['attempt']}-{id_}"
        future = self.client.submit(run_attempt, payload, self.topic, key=key, pure=False)
        with self.lock:
            self.attempts[id_] = {"future": future, "workers": [], "forwarded": 0}
        future.add_done_callback(lambda f: self.on_done(id_, f))

    def cancel(self, id_):
        with self.lock:
            entry = self.attempts.pop(id_, None)
        if entry:
            self.client.cancel([entry["future"]])

    def finish(self, id_, outcome):
        """Answers once per attempt: whichever of done, lost or cancel comes first wins."""
        with self.lock:
            entry = self.attempts.pop(id_, None)
            if entry is None:
                return None
            # The outcome holds every line: only those the stream did not bring go on.
            lines = outcome.get("lines") or []
            send({"type": "done", "id": id_, **outcome, "lines": lines[entry["forwarded"] :]})
        return entry

    def lost(self, id_, worker):
        entry = self.finish(
            id_,
            {
                "ok": False,
                "error": {
                    "type": "WorkerLost",
                    "message": f"the Dask worker {worker} running this attempt died before it finished",
                },
                "lines": [],
                "worker": worker,
            },
        )
        if entry:
            # Dask would run it again on another worker: the task's retries decide that instead.
            self.client.cancel([entry["future"]])

    def on_event(self, event):
        _, message = event
        id_ = message.get("id")
        with self.lock:
            entry = self.attempts.get(id_)
            if entry is None:
                return
            if message.get("type") == "lines":
                # In order from one worker; a batch that does not follow on (a re-run's) is left
                # to the outcome, which holds every line.
                if message["start"] == entry["forwarded"]:
                    send({"type": "lines", "id": id_, "lines": message["lines"]})
                    entry["forwarded"] += len(message["lines"])
                return
            entry["workers"].append(message.get("worker"))
            rerun = len(entry["workers"]) > 1
        if rerun:
            # Dask started it a second time: the first run's worker is gone.
            self.lost(id_, entry["workers"][0])

    def watch_workers(self, size):
        """Attempts running on a worker that left the cluster are lost (checked twice a second).

        The cluster's size (workers, threads) is told to the agent when it changes: a dask run's
        mapped items are kept in flight by the cluster's thread count.
        """
        known = set()
        while True:
            time.sleep(0.5)
            try:
                workers = self.client.scheduler_info().get("workers", {})
            except Exception:  # noqa: BLE001 — the scheduler is away; futures will tell
                continue
            # Gone: seen in the cluster before, not now. A worker that has just joined may have
            # started attempts before this (refreshed every 2 s) view of the cluster shows it.
            alive = set(workers)
            known |= alive
            gone_workers = known - alive
            now = cluster_size(workers)
            if now != size:
                size = now
                send({"type": "cluster", **size})
            with self.lock:
                gone = [
                    (id_, e["workers"][-1])
                    for id_, e in self.attempts.items()
                    if e["workers"] and e["workers"][-1] in gone_workers
                ]
            for id_, worker in gone:
                self.lost(id_, worker)

    def on_done(self, id_, future):
        if future.status == "finished":
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001
                outcome = self.failure(error)
        elif future.status == "cancelled":
            outcome = {
                "ok": False,
                "error": {"type": "Cancelled", "message": "the Dask future was cancelled"},
                "lines": [],
            }
        else:
            try:
                error = future.exception()
            except Exception as caught:  # noqa: BLE001
                error = caught
            outcome = self.failure(error)
        self.finish(id_, outcome)

    @staticmethod
    def failure(error):
        """An error of the cluster itself (a worker killed too often, inputs that do not travel)."""
        return {
            "ok": False,
            "error": {
                "type": type(error).__name__,
                "message": f"Dask: {error}" if str(error) else f"Dask: {type(error).__name__}",
                "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            },
            "lines": [],
        }


def cluster_size(workers):
    return {"workers": len(workers), "threads": sum(w.get("nthreads", 1) for w in workers.values())}


def main():
    address = sys.argv[1]
    try:
        from distributed import Client
        import distributed
    except ImportError as error:
        send({
            "type": "fatal",
            "message": f"{sys.executable} cannot import distributed ({error}): install it "
            f'(pip install "dask[distributed]", or apt-get install python3-distributed) or point '
            f"the agent's --python at a Python that has it",
        })
        return 1
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except Exception as error:  # noqa: BLE001
        send({"type": "fatal", "message": f"cannot connect to the Dask scheduler {address}: {error}"})
        return 1
    bridge = Bridge(client)
    size = cluster_size(client.scheduler_info().get("workers", {}))
    threading.Thread(target=bridge.watch_workers, args=(size,), daemon=True).start()
    send({"type": "ready", "scheduler": address, **size, "version": distributed.__version__})
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            if command["op"] == "submit":
                bridge.submit(command["id"], command["payload"])
            elif command["op"] == "cancel":
                bridge.cancel(command["id"])
        except Exception as error:  # noqa: BLE001 — one bad attempt must not end the bridge
            if command.get("op") == "submit":
                bridge.attempts.setdefault(command["id"], {"future": None, "workers": [], "forwarded": 0})
                bridge.finish(command["id"], Bridge.failure(error))
    # The agent closed stdin: it is leaving.
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
