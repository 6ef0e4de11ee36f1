"""The HTTP service's evaluations in warm worker processes.

Threads share one interpreter lock, so a thread pool evaluates one request at a time however many
threads it has. :class:`WorkerPool` keeps ``size`` worker processes, each started once (spawned,
never forked from the server's threads) and warmed: the indicator registry and the packaged
profiles loaded, and one evaluation of the demo request run, so that the first request is as
fast as the others. The server parses and checks a request; a worker evaluates it and serialises
the answer; what crosses the pipe is plain data (the request's records, the answer's bytes).

A task has ``timeout_s`` in all, waiting for a free worker included. A worker that overruns it is
killed and replaced (a process, unlike a thread, can be stopped), a worker that dies is replaced
(one found dead before the task reached it passes the task on to the next free worker), and the
request is answered at once — :class:`EvaluationTimeout` (504) or :class:`WorkerCrashed`
(503) — so the server never hangs on a worker. The event loop only waits: the pipes are read and
workers started in a small thread pool of the server, so ``/healthz`` answers while every worker
is busy or starting.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["EvaluationTimeout", "WorkerCrashed", "WorkerPool"]

logger = logging.getLogger("health_eval.service.http")

#: Longest time a new worker may take to start and warm up [s] before it is replaced.
STARTUP_S = 300.0
#: Wait before starting a worker again after one failed to start [s].
RESTART_DELAY_S = 1.0
#: How often a task waiting for a free worker looks [s]: the first in line, the others.
POLL_FIRST_S, POLL_OTHERS_S = 0.002, 0.02


class EvaluationTimeout(Exception):
    """A task that did not finish within the time limit (answered 504)."""


class WorkerCrashed(Exception):
    """The worker process died while it ran the task (answered 503); it has been replaced."""


class _DeadBeforeTask(Exception):
    """The worker had died while idle: the task never reached it and goes to another."""


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection):
        self.process, self.connection = process, connection

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def exchange(self, message: bytes) -> bytes:
        """Send a task and wait for its answer (blocking; run in the I/O threads).

        Raises
        ------
        _DeadBeforeTask
            When the process had died before the task reached it (while idle).
        EOFError, OSError
            When the process dies or is killed during the task.
        """
        try:
            self.connection.send_bytes(message)
        except OSError:
            raise _DeadBeforeTask from None
        return self.connection.recv_bytes()

    def wait_ready(self) -> None:
        """Wait for the worker's "ready" (blocking); :class:`RuntimeError` when it fails."""
        if not self.connection.poll(STARTUP_S):
            raise RuntimeError(f"worker {self.pid} did not start within {STARTUP_S:g} s")
        try:
            status, detail = pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            self.process.join(timeout=1)
            raise RuntimeError(f"worker {self.pid} exited while starting (exit code "
                               f"{self.process.exitcode}; see its log)") from None
        if status != "ready":
            raise RuntimeError(f"worker {self.pid} failed to start: {detail}")

    def stop(self) -> None:
        """Kill the process (whatever it is doing) and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=1)
        self.connection.close()


class WorkerPool:
    """A fixed number of warm worker processes running tasks of :mod:`health_eval.service.work`.

    Parameters
    ----------
    size : int
        Worker processes (tasks run at once).
    timeout_s : float
        Time limit of one task [s], waiting for a free worker included.
    setup : tuple
        Arguments of :func:`health_eval.service.work.worker_setup` in each worker (picklable:
        the registry or None for the default one, the limits, whether to warm up).
    """

    def __init__(self, size: int, timeout_s: float, setup: tuple = ()):
        self.size, self.timeout_s, self.setup = size, timeout_s, setup
        self._context = multiprocessing.get_context("spawn")
        self._open = False
        self._workers: set[_Worker] = set()
        self._idle: deque[_Worker] = deque()
        self._busy: set[_Worker] = set()
        self._waiting: deque[object] = deque()    # tasks waiting for a worker, in arrival order
        self._io: ThreadPoolExecutor | None = None

    # -- life ----------------------------------------------------------------------------------

    async def start(self, wait: bool = True) -> None:
        """Start the workers (once); with ``wait``, return when all of them are warm.

        Raises
        ------
        RuntimeError
            When ``wait`` and a worker fails to start (its error is in the message).
        """
        if self._open:
            return
        self._open = True
        self._io = ThreadPoolExecutor(max_workers=2 * self.size + 2,
                                      thread_name_prefix="health-eval-pipe")
        launched = [self._launch() for _ in range(self.size)]
        if wait:
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(self._io, self._bring_up, worker)
                                   for worker in launched))
        else:
            for worker in launched:
                self._io.submit(self._keep_starting, worker)

    def shutdown(self) -> None:
        """Kill every worker; tasks still running end with :class:`WorkerCrashed`."""
        self._open = False
        for worker in list(self._workers):
            worker.stop()
        self._workers.clear()
        self._idle.clear()
        if self._io is not None:
            self._io.shutdown(wait=False, cancel_futures=True)
            self._io = None

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers (started or starting)."""
        return sorted(w.pid for w in list(self._workers) if w.pid is not None)

    @property
    def idle(self) -> int:
        """Warm workers waiting for a task."""
        return len(self._idle)

    @property
    def busy(self) -> list[int]:
        """Process ids of the workers running a task now."""
        return sorted(w.pid for w in list(self._busy) if w.pid is not None)

    def _launch(self) -> _Worker:
        from .work import worker_main

        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=worker_main, args=(theirs, *self.setup),
                                        name="health-eval-worker", daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.add(worker)
        return worker

    def _bring_up(self, worker: _Worker) -> None:
        """Wait for ``worker`` to be warm, then offer it to tasks (blocking: an I/O thread)."""
        try:
            worker.wait_ready()
        except BaseException:
            self._retire(worker)
            raise
        if self._open:
            self._idle.append(worker)

    def _keep_starting(self, launched: _Worker | None) -> None:
        """Start a worker until one comes up warm; a failed start is logged and tried again
        (blocking: an I/O thread)."""
        while self._open:
            worker = launched or self._launch()
            launched = None
            try:
                self._bring_up(worker)
                return
            except Exception as exc:
                if self._open:
                    logger.error("health-eval worker failed to start: %s", exc)
                    time.sleep(RESTART_DELAY_S)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        self._retire(worker)
        if self._open and self._io is not None:
            self._io.submit(self._keep_starting, None)

    def _retire(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        self._busy.discard(worker)
        worker.stop()

    # -- tasks ---------------------------------------------------------------------------------

    async def run(self, task: str, *args: Any, timeout_s: float | None = None) -> Any:
        """Run ``task(*args)`` of :data:`health_eval.service.work.TASKS` in a worker.

        Parameters
        ----------
        timeout_s : float, optional
            Time limit of this task [s] instead of the pool's ``timeout_s``.

        Returns
        -------
        Any
            What the task returned. An exception the task raised is raised here again.

        Raises
        ------
        EvaluationTimeout
            Over the time limit in all (the worker, if it had started, is killed and replaced).
        WorkerCrashed
            When the worker died meanwhile (it is replaced).
        """
        if not self._open:               # an application run without its lifespan (tests)
            await self.start(wait=False)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout_s if timeout_s is None else timeout_s)
        message = pickle.dumps((task, args), protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            worker = await self._acquire(deadline)
            self._busy.add(worker)
            try:
                answer = await self._exchange(worker, message, deadline)
                break
            except _DeadBeforeTask:
                logger.error("worker %s had died while idle (exit code %s): replaced",
                             worker.pid, worker.process.exitcode)
                self._replace(worker)
        self._busy.discard(worker)
        if self._open:
            self._idle.append(worker)
        return _unpacked(answer)

    async def _exchange(self, worker: _Worker, message: bytes, deadline: float) -> bytes:
        """The answer of ``worker`` to ``message`` by the deadline; a worker over the deadline,
        dead, or left in an unknown state (the task cancelled) is replaced."""
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._io, worker.exchange, message),
                max(deadline - loop.time(), 0.001))
        except _DeadBeforeTask:
            raise
        except TimeoutError:
            logger.warning("worker %s over the time limit: killed and replaced", worker.pid)
            self._replace(worker)
            raise EvaluationTimeout from None
        except (EOFError, OSError):
            logger.error("worker %s died (exit code %s): replaced", worker.pid,
                         worker.process.exitcode)
            self._replace(worker)
            raise WorkerCrashed from None
        except BaseException:            # cancelled: the pipe's state is unknown
            self._replace(worker)
            raise

    async def _acquire(self, deadline: float) -> _Worker:
        """The next free worker, first come first served; :class:`EvaluationTimeout` at the
        deadline. It polls rather than waits on an asyncio object, so the pool serves any event
        loop (an application run without its lifespan gets a new loop per request); the first
        in line polls often, the others seldom."""
        loop = asyncio.get_running_loop()
        ticket = object()
        self._waiting.append(ticket)
        try:
            while True:
                first = self._waiting[0] is ticket
                if first and self._idle:
                    return self._idle.popleft()
                if loop.time() >= deadline:
                    raise EvaluationTimeout
                await asyncio.sleep(POLL_FIRST_S if first else POLL_OTHERS_S)
        finally:
            self._waiting.remove(ticket)


def _unpacked(answer: bytes) -> Any:
    """The value of a worker's answer, or its exception raised again."""
    status, value = pickle.loads(answer)
    if status == "ok":
        return value
    cls, args, state = value
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    raise error


def packed_answer(call: Callable[[], Any], expected: tuple[type[Exception], ...]) -> bytes:
    """A worker's answer to ``call()``: its value, or its exception in a form that pickles
    (exception classes with their own ``__init__`` do not pickle by their ``args``); the
    traceback of an exception not ``expected`` goes to the log (stderr, the server's)."""
    try:
        return pickle.dumps(("ok", call()), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        if not isinstance(exc, expected):
            logger.error("unexpected error in worker:\n%s", traceback.format_exc())
        try:
            return pickle.dumps(("error", (type(exc), exc.args, vars(exc))),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            logger.error("unpicklable error in a worker:\n%s", traceback.format_exc())
            return pickle.dumps(("error", (RuntimeError, ("internal error in a worker",), {})))
