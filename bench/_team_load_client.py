"""One load-generating process of bench/team_load.py: simulated team members on asyncio.

`python bench/_team_load_client.py PLAN.json` reads the users this process plays (email,
instance URL, workspace, own file), starts each at its planned moment of the ramp, and writes
its samples to the plan's `out` file. A user signs in (POST /api/auth/login), opens a
Socket.IO connection to its workspace's namespace, creates its own file, then loops until the
plan's end: think 0.5-1.5 s, one request picked by the plan's mix (list files, read, save,
search). Each team's users all live in one process, so a save and the `fs:changed` pushes it
causes at the team's other sockets are timed on one clock (perf_counter).

No Pairpad import: this process is the users' browsers, nothing of the server runs in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
SIGN_IN_ATTEMPTS = 3
SOCKET_TIMEOUT = 30


@dataclass
class Sample:
    op: str
    at: float  # wall clock (time.time) when the request started: the measured window
    ms: float
    status: str  # HTTP status, or an exception's class name


@dataclass
class Recorder:
    measure_from: float
    measure_to: float
    samples: list[Sample] = field(default_factory=list)
    # One entry per push a socket saw for another member's save (first copy only), in ms
    # from the save request's start, split by whether the socket is on the saver's instance.
    pushes: dict[str, list[float]] = field(default_factory=lambda: {"same": [], "other": []})
    pushes_expected: dict[str, int] = field(default_factory=lambda: {"same": 0, "other": 0})
    duplicates: int = 0
    error_examples: dict[str, str] = field(default_factory=dict)

    def record(self, op: str, started_wall: float, ms: float, status: str,
               detail: str = "") -> None:
        self.samples.append(Sample(op, started_wall, ms, status))
        if detail and not status.startswith("2"):
            self.error_examples.setdefault(f"{op} {status}", detail[:300])

    def in_window(self, wall: float) -> bool:
        return self.measure_from <= wall < self.measure_to


@dataclass
class Save:
    seq: int
    started: float  # perf_counter
    instance: int
    measured: bool


@dataclass
class Team:
    """What the members of one workspace share in this process: the latest save per file
    (to time the pushes) and which members have a socket open on which instance."""

    saves: dict[str, Save] = field(default_factory=dict)
    connected: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class User:
    def __init__(self, spec: dict[str, Any], plan: dict[str, Any], http: aiohttp.ClientSession,
                 team: Team, recorder: Recorder) -> None:
        self.spec = spec
        self.plan = plan
        self.http = http
        self.team = team
        self.rec = recorder
        self.base = spec["base_url"]
        self.ws = spec["workspace"]
        self.instance: int = spec["instance"]
        self.file: str = spec["file"]
        self.headers: dict[str, str] = {}
        self.token: str | None = None
        if spec.get("token"):  # signed in by an earlier run: sessions outlive the page
            self.set_token(spec["token"])
        self.etag: str | None = None
        self.seen: dict[str, int] = {}  # path → the save seq whose push this socket saw
        self.saves = 0
        self.rng = random.Random(spec["email"])

    async def run(self, stop_at: float) -> None:
        if self.token is None and not await self.sign_in():
            return
        if self.plan.get("sign_in_only"):
            return
        sio = await self.open_socket()
        try:
            await self.request("create file", "PUT", "/api/files/content",
                               params={"path": self.file},
                               json={"content": self.content(), "etag": None},
                               always_record=True)
            ops, weights = zip(*self.plan["mix"].items(), strict=True)
            await asyncio.sleep(self.rng.uniform(0, 1.0))  # desynchronise the users
            while time.time() < stop_at:
                op = self.rng.choices(ops, weights)[0]
                await getattr(self, f"do_{op}")()
                await asyncio.sleep(self.rng.uniform(0.5, 1.5))  # think time
        finally:
            if sio is not None:
                self.team.connected[self.instance] -= 1
                # The run is over: a close that fails or hangs is not a sample.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(sio.disconnect(), 10)

    def content(self) -> str:
        return f"# notes of {self.spec['email']}\nrevision {self.saves}\n" + "x" * 400 + "\n"

    async def sign_in(self) -> bool:
        """Like a person at the sign-in page: a failed attempt (timeout, 429, 5xx) is tried
        again after a pause, at most SIGN_IN_ATTEMPTS times; every attempt is a sample."""
        body = {"email": self.spec["email"], "password": self.plan["password"]}
        for _attempt in range(SIGN_IN_ATTEMPTS):
            status, answer = await self.call("sign in", "POST", f"{self.base}/api/auth/login",
                                             json=body, always_record=True)
            if status == 200 and isinstance(answer, dict) and answer.get("access_token"):
                self.set_token(str(answer["access_token"]))
                return True
            if status in (401, 403, 422):
                return False
            await asyncio.sleep(self.rng.uniform(2, 4))
        return False

    def set_token(self, token: str) -> None:
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}

    async def open_socket(self) -> socketio.AsyncClient | None:
        namespace = f"/w/{self.ws}"
        # Its own aiohttp session: engineio's client closes the session it holds when it is
        # garbage collected, which would close a shared one under the other users.
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False,
                                   request_timeout=SOCKET_TIMEOUT)
        sio.on("fs:changed", self.on_changed, namespace=namespace)
        wall, start = time.time(), time.perf_counter()
        try:
            await sio.connect(self.base, namespaces=[namespace], auth={"token": self.token},
                              transports=["websocket"], wait_timeout=SOCKET_TIMEOUT)
        except Exception as error:  # every failure is a counted sample
            self.rec.record("socket connect", wall, (time.perf_counter() - start) * 1000,
                            type(error).__name__, str(error))
            return None
        self.rec.record("socket connect", wall, (time.perf_counter() - start) * 1000, "200")
        self.team.connected[self.instance] += 1
        return sio

    async def on_changed(self, data: Any) -> None:
        now = time.perf_counter()
        changes = data.get("changes", []) if isinstance(data, dict) else []
        for change in changes:
            path = str(change.get("path")) if isinstance(change, dict) else ""
            save = self.team.saves.get(path)
            if save is None or path == self.file:
                continue
            if self.seen.get(path) == save.seq:
                self.rec.duplicates += 1
                continue
            self.seen[path] = save.seq
            if save.measured:
                where = "same" if save.instance == self.instance else "other"
                self.rec.pushes[where].append((now - save.started) * 1000)

    async def do_tree(self) -> None:
        folder = self.rng.choice(["", "notes", "pkg01"])
        await self.request("list files", "GET", "/api/files/tree", params={"path": folder})

    async def do_read(self) -> None:
        path = self.file if self.rng.random() < 0.5 else self.rng.choice(self.plan["shared_files"])
        await self.request("read file", "GET", "/api/files/content", params={"path": path})

    async def do_search(self) -> None:
        term = self.rng.choice(self.plan["search_terms"])
        await self.request("search", "GET", "/api/search", params={"q": term, "max": "50"})

    async def do_save(self) -> None:
        self.saves += 1
        previous = self.team.saves.get(self.file)
        seq = previous.seq + 1 if previous else 1
        measured = self.rec.in_window(time.time())
        self.team.saves[self.file] = Save(seq, time.perf_counter(), self.instance, measured)
        if measured:  # every other open socket of the workspace should see it
            for instance, count in self.team.connected.items():
                others = count - 1 if instance == self.instance else count
                self.rec.pushes_expected["same" if instance == self.instance
                                         else "other"] += max(others, 0)
        await self.request("save", "PUT", "/api/files/content", params={"path": self.file},
                           json={"content": self.content(), "etag": self.etag})

    async def request(self, op: str, method: str, path: str, *, always_record: bool = False,
                      **kwargs: Any) -> int:
        status, answer = await self.call(op, method, f"{self.base}/w/{self.ws}{path}",
                                         headers=self.headers, always_record=always_record,
                                         **kwargs)
        if status == 401:  # the access token expired (15 min): sign in again, as the UI does
            await self.sign_in()
        if isinstance(answer, dict) and kwargs.get("params", {}).get("path") == self.file:
            # A read or save answers the etag; a 409 (the file exists from an earlier run, or
            # changed) names the current one.
            etag = answer.get("etag") or answer.get("current_etag")
            if isinstance(etag, str):
                self.etag = etag
        return status

    async def call(self, op: str, method: str, url: str, *, always_record: bool = False,
                   **kwargs: Any) -> tuple[int, Any]:
        wall, start = time.time(), time.perf_counter()
        try:
            async with self.http.request(method, url, timeout=REQUEST_TIMEOUT,
                                         **kwargs) as response:
                body = await response.read()
                status = response.status
        except Exception as error:  # timeouts, resets: counted, not raised
            ms = (time.perf_counter() - start) * 1000
            self.rec.record(op, wall, ms, type(error).__name__, str(error))
            return 0, None
        ms = (time.perf_counter() - start) * 1000
        if always_record or self.rec.in_window(wall):
            self.rec.record(op, wall, ms, str(status), body.decode(errors="replace"))
        try:
            return status, json.loads(body) if body else None
        except ValueError:
            return status, None


async def main(plan_path: Path) -> None:
    plan = json.loads(plan_path.read_text())
    start_at: float = plan["start_at"]
    recorder = Recorder(plan["measure_from"], plan["measure_to"])
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    teams: dict[str, Team] = defaultdict(Team)
    async with aiohttp.ClientSession(connector=connector) as http:
        users = [User(spec, plan, http, teams[spec["workspace"]], recorder)
                 for spec in plan["users"]]

        async def start(user: User) -> None:
            await asyncio.sleep(max(0.0, start_at + user.spec["offset"] - time.time()))
            await user.run(plan["measure_to"])

        cpu_before = time.process_time()
        await asyncio.gather(*(start(user) for user in users))
        cpu = time.process_time() - cpu_before
    samples: dict[str, list[list[Any]]] = defaultdict(list)
    for sample in recorder.samples:
        samples[sample.op].append([round(sample.at, 3), round(sample.ms, 2), sample.status])
    Path(plan["out"]).write_text(json.dumps({
        "samples": samples, "pushes": recorder.pushes, "pushes_expected": recorder.pushes_expected,
        "duplicates": recorder.duplicates, "errors": recorder.error_examples,
        "cpu_s": cpu, "tokens": {user.spec["email"]: user.token for user in users if user.token},
    }))


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(Path(sys.argv[1])))
