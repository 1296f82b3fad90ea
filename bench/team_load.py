"""Team mode under load (issue 17): simulated members against real `pairpad serve` instances.

Starts K `pairpad serve` processes on a fresh PostgreSQL database (the machine's server,
127.0.0.1:5432), a private `redis-server` (free port, nothing on disk), one workspaces folder
and one data dir shared by all of them. Accounts are inserted through the app's own
AccountService (one argon2id hash computed once and reused: every user has the same password,
and each sign-in still verifies a real argon2id hash); teams (TEAM_SIZE members each), their
memberships and one workspace per team are made through the team API, and each workspace
gets a generated tree of source files to list, read and search.

The users are played by separate client processes (bench/_team_load_client.py, asyncio +
aiohttp + python-socketio; all of a team's users in one process so a save and its pushes are
timed on one clock), only over loopback. Each user signs in during the ramp, connects a
Socket.IO socket to its workspace (`/w/{id}`), then every 0.5-1.5 s (think time) lists files,
reads a file, saves its own file or searches. The members of a team are split across the
instances, so a save on one instance reaches the team's sockets on both: through the saving
instance's own file service and through the other instance's file watcher.

Runs (default): the sign-in storm (--users users sign in at --signin-rate, measured on its
own; later runs reuse these sessions, as browsers keep theirs), K=2 instances at --users, the
curve (users vs p95) on K instances, then 1 instance at --users (the others stopped).
Latencies are counted over the steady window only (after the ramp and a settle time); sign-in,
socket connects and file creation over the ramp. The machine has 2 cores: the
client processes compete with the servers for them, and their CPU is reported.

.venv/bin/python bench/team_load.py [--users N] [--instances K] [--duration S]
    [--curve 100,250,500,1000,1500] [--curve-duration S] [--no-single] [--json FILE]
    [--ramp-rate 40] [--signin-rate 20] [--profile PY_SPY] [--keep DIR]
Quick smoke: --users 50 --duration 10 --curve '' (takes ~1 minute). The full default run
takes ~12 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.support

from tests.support.postgres import (
    drop_database,
    fresh_database_url,
    postgres_available,
)
from tests.support.redis_server import RedisServer
from tests.support.team_server import (
    PASSWORD,
    RunningTeamServer,
    start_team_server,
)

from _common import ROOT, generate_tree, machine, percentile

CLIENT = ROOT / "bench" / "_team_load_client.py"
TEAM_SIZE = 50
SHARED_FILES = 200  # generated source files per workspace (tree, read, search)
SEARCH_TERMS = ["needle", "render cache", "socket", "handler stream"]
DEFAULT_MIX = "read=45,tree=25,save=15,search=15"
PUBLIC_URL = "http://127.0.0.1/"
SETTLE_S = 5.0  # after the ramp, before the measured window: sign-ins in flight finish
HTTP_OPS = ["list files", "read file", "save", "search"]  # the steady window's
RAMP_OPS = ["sign in", "socket connect", "create file"]  # once per user, during the ramp


# -- settings the servers run with --------------------------------------------------------


def server_env(args: argparse.Namespace) -> tuple[dict[str, str], list[str]]:
    """The environment of every instance and what it changes, said in the report."""
    env = {"PAIRPAD_AI__LOCAL__PRELOAD": "false"}
    notes = [f"every instance with --public-url {PUBLIC_URL} (as behind a load balancer)",
             "embedded model not preloaded (PAIRPAD_AI__LOCAL__PRELOAD=false)"]
    if not args.index:
        env["PAIRPAD_INDEX__ENABLED"] = "false"
        notes.append("codebase indexer off (PAIRPAD_INDEX__ENABLED=false; --index turns it on)")
    limits = limit_settings()
    if limits is not None:
        env |= limits[0]
        notes.append(limits[1])
    return env, notes


def limit_settings() -> tuple[dict[str, str], str] | None:
    """All the load comes from 127.0.0.1: the per-address sign-in limit (group `auth`) would
    refuse the ramp, so it alone is raised; every other group keeps team mode's default, the
    per-user one (100/minute) included: users at ~60 requests a minute stay under it. None
    when this checkout has no rate limits."""
    from pairpad.config import Settings

    model = Settings.model_fields.get("limits")
    fields = getattr(model.annotation, "model_fields", {}) if model is not None else {}
    if "auth" not in fields:
        return None
    try:
        from pairpad.ratelimit.settings import TEAM_DEFAULTS
        kept = ", ".join(f"{group} {rate}" for group, rate in TEAM_DEFAULTS.items()
                         if group != "auth")
    except ImportError:
        kept = "their defaults"
    return ({"PAIRPAD_LIMITS__AUTH": "100000/minute"},
            "rate limits on; the per-address sign-in limit raised (PAIRPAD_LIMITS__AUTH="
            f"100000/minute: all load comes from 127.0.0.1); the others at team mode's "
            f"defaults: {kept}")


# -- processes: CPU and memory from /proc --------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system time of the process and its waited-for children (ripgrep)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# -- the deployment --------------------------------------------------------------------------


@dataclass
class Deployment:
    root: Path
    database_url: str
    redis: RedisServer
    env: dict[str, str]
    servers: list[RunningTeamServer | None] = field(default_factory=list)
    # per team: workspace id and member emails (member 0 owns the team)
    teams: list[tuple[str, list[str]]] = field(default_factory=list)
    shared_files: list[str] = field(default_factory=list)
    idle_rss: dict[int, float] = field(default_factory=dict)  # MiB, just after the start
    tokens: dict[str, str] = field(default_factory=dict)  # email → access token

    def start_instance(self, index: int) -> RunningTeamServer:
        while len(self.servers) <= index:
            self.servers.append(None)
        server = start_team_server(
            self.database_url, self.root / "workspaces", self.root / "data",
            # One public URL for all, as behind a load balancer (it is the tokens' issuer;
            # before 2776ef4 an instance without it refused the others' tokens).
            "--redis-url", self.redis.url, "--public-url", PUBLIC_URL, env=self.env,
            timeout=120)
        self.servers[index] = server
        self.idle_rss[index] = rss_mib(server.process.pid)
        return server

    def stop_instance(self, index: int) -> None:
        server = self.servers[index]
        if server is not None:
            server.stop(signal.SIGINT, 30)
            self.servers[index] = None

    def running(self, count: int) -> list[RunningTeamServer]:
        found = [server for server in self.servers[:count] if server is not None]
        if len(found) < count:
            raise RuntimeError(f"{count} instances wanted, {len(found)} running")
        for server in found:
            if server.process.poll() is not None:
                raise RuntimeError(f"the instance at {server.base_url} exited with "
                                   f"{server.process.returncode}:\n" + "".join(server.output[-30:]))
        return found


async def seed_users(database_url: str, emails: list[str]) -> None:
    """Accounts through AccountService, with the one password hashed once (argon2id takes
    ~40 ms a hash here; 1,500 of them would be a minute of CPU before the run)."""
    from pairpad.accounts import passwords
    from pairpad.accounts.service import AccountService
    from pairpad.accounts.settings import TeamSettings
    from pairpad.storage.db import Database

    the_hash = passwords.hash_password(PASSWORD)

    async def cached_hash(password: str) -> str:
        assert password == PASSWORD
        return the_hash

    passwords.hash_password_async = cached_hash
    db = Database.for_url(database_url)
    try:
        accounts = AccountService(db, TeamSettings(database_url=database_url,
                                                   workspaces_dir=Path.cwd()))
        for start in range(0, len(emails), 50):
            await asyncio.gather(*(accounts.create_user(email, PASSWORD, email_verified=True)
                                   for email in emails[start:start + 50]))
    finally:
        await db.dispose()


async def seed_teams(server: RunningTeamServer, members: list[list[str]]) -> list[str]:
    """Per team: its owner signs in, creates the team, adds the members, makes a workspace."""
    limit = asyncio.Semaphore(4)

    async def one(index: int, emails: list[str]) -> str:
        async with limit, httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            login = await client.post("/api/auth/login",
                                      json={"email": emails[0], "password": PASSWORD})
            login.raise_for_status()
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            team = await client.post("/api/teams", json={"name": f"team {index:02}"})
            team.raise_for_status()
            team_id = team.json()["id"]
            async def add(email: str) -> None:
                added = await client.post(f"/api/teams/{team_id}/members",
                                          json={"email": email, "role": "member"})
                if added.status_code != 201:
                    raise RuntimeError(f"adding {email}: {added.status_code} {added.text}")

            for start in range(1, len(emails), 10):
                await asyncio.gather(*(add(email) for email in emails[start:start + 10]))
            workspace = await client.post(f"/api/teams/{team_id}/workspaces",
                                          json={"name": "main"})
            workspace.raise_for_status()
            return str(workspace.json()["id"])

    return list(await asyncio.gather(*(one(i, emails) for i, emails in enumerate(members))))


def prepare(args: argparse.Namespace, deployment: Deployment) -> None:
    root = deployment.root
    deployment.start_instance(0)  # the first start migrates the database
    most = max([args.users, *args.curve])
    team_count = math.ceil(most / TEAM_SIZE)
    members = [[f"user{t:02}-{m:02}@load.example" for m in range(TEAM_SIZE)]
               for t in range(team_count)]
    started = time.perf_counter()
    asyncio.run(seed_users(deployment.database_url, [e for team in members for e in team]))
    server = deployment.running(1)[0]
    workspace_ids = asyncio.run(seed_teams(server, members))
    for workspace_id in workspace_ids:
        folder = root / "workspaces" / workspace_id
        generate_tree(folder, SHARED_FILES, lines=40)
        (folder / "notes").mkdir()
    first = root / "workspaces" / workspace_ids[0]
    deployment.shared_files = sorted(
        str(path.relative_to(first)) for path in first.rglob("*") if path.suffix == ".py")[:40]
    deployment.teams = list(zip(workspace_ids, members, strict=True))
    print(f"seeded {team_count} teams x {TEAM_SIZE} users, {SHARED_FILES} files each, in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- one run ---------------------------------------------------------------------------------


@dataclass
class RunResult:
    name: str
    users: int
    instances: int
    duration: float
    ramp_s: float
    ops: dict[str, dict[str, Any]]
    pushes: dict[str, dict[str, Any]]
    request_rate: float
    server_cpu: list[float]  # cores used (CPU seconds / wall seconds) per instance
    server_rss: list[float]  # peak MiB per instance
    idle_rss: list[float]  # MiB per instance just after its start (no workspace hosted)
    workspaces: int  # hosted by each instance during the run (at least)
    client_cpu: float  # cores, all client processes
    postgres_cpu: float
    redis_cpu: float
    machine_cpu: float  # cores busy on the whole machine (everything, neighbours included)
    load_before: float
    errors: dict[str, int]
    error_examples: dict[str, str]
    error_rate: float


def summarize(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    return {"count": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99), "max": max(values)}


def run_load(deployment: Deployment, args: argparse.Namespace, name: str, users: int,
             instances: int, duration: float, *, sign_in_only: bool = False) -> RunResult:
    """One run: the users ramp up (each signs in unless a token from an earlier run is still
    good, opens its socket, creates its file), work for `duration` s, and stop. With
    `sign_in_only`, they only sign in, at --signin-rate: the sign-in storm, on its own."""
    servers = deployment.running(instances)
    team_count = math.ceil(users / TEAM_SIZE)
    chosen = deployment.teams[:team_count]
    clients = max(1, min(args.clients, team_count))
    rate = args.signin_rate if sign_in_only else args.ramp_rate
    ramp_s = users / rate
    start_at = time.time() + 4.0  # the client processes import socketio meanwhile
    measure_from = start_at if sign_in_only else start_at + ramp_s + SETTLE_S
    measure_to = start_at + ramp_s if sign_in_only else measure_from + duration
    mix = dict(part.split("=") for part in args.mix.split(","))
    specs: list[list[dict[str, Any]]] = [[] for _ in range(clients)]
    tag = name.replace(" ", "_")
    for k in range(users):  # interleave the teams in the ramp: every workspace starts early
        team_index, member = k % team_count, k // team_count
        workspace, emails = chosen[team_index]
        if member >= len(emails):
            continue
        instance = member % instances
        specs[team_index % clients].append({
            "email": emails[member], "workspace": workspace, "instance": instance,
            "base_url": servers[instance].base_url,
            "file": f"notes/{member:02}-{tag}.md",  # new in each run: created, not 409
            "token": deployment.tokens.get(emails[member]), "offset": k / rate})
    tmp = deployment.root / "runs" / tag
    tmp.mkdir(parents=True)
    processes = []
    for index, users_of in enumerate(specs):
        plan = {"start_at": start_at, "measure_from": measure_from, "measure_to": measure_to,
                "users": users_of, "password": PASSWORD, "mix": {k: float(v) for k, v in
                                                                 mix.items()},
                "shared_files": deployment.shared_files, "search_terms": SEARCH_TERMS,
                "sign_in_only": sign_in_only, "out": str(tmp / f"client{index}.json")}
        (tmp / f"plan{index}.json").write_text(json.dumps(plan))
        processes.append(subprocess.Popen([sys.executable, str(CLIENT),
                                           str(tmp / f"plan{index}.json")]))
    load_before = os.getloadavg()[0]
    print(f"{name}: {users} users on {instances} instance(s), ramp {ramp_s:.0f} s, "
          f"window {duration:.0f} s (load average {load_before:.2f})", flush=True)
    pg = postgres_pids()
    pids = [server.process.pid for server in servers]
    redis_pid = deployment.redis.process.pid if deployment.redis.process else 0
    rss = [rss_mib(pid) for pid in pids]
    time.sleep(max(0.0, measure_from - time.time()))
    profilers = [subprocess.Popen(
        [str(args.profile), "record", "--pid", str(pid), "--duration", str(int(duration)),
         "--rate", "50", "--format", "raw", "--nonblocking",
         "--output", str(tmp / f"instance{index + 1}.folded")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for index, pid in enumerate(pids)] if args.profile else []
    before = ([cpu_seconds(p) for p in pids], [cpu_seconds(p.pid) for p in processes],
              sum(cpu_seconds(p) for p in pg), cpu_seconds(redis_pid), machine_busy(),
              time.time())
    while (any(p.poll() is None for p in processes) if sign_in_only
           else time.time() < measure_to):
        time.sleep(1.0)
        rss = [max(old, rss_mib(pid)) for old, pid in zip(rss, pids, strict=True)]
        for server in servers:
            if server.process.poll() is not None:
                raise RuntimeError(f"the instance at {server.base_url} died during the run")
    after = ([cpu_seconds(p) for p in pids], [cpu_seconds(p.pid) for p in processes],
             sum(cpu_seconds(p) for p in pg), cpu_seconds(redis_pid), machine_busy(),
             time.time())
    wall = after[5] - before[5]
    if sign_in_only:
        duration = wall
    for profiler in profilers:
        profiler.wait(timeout=60)
    if profilers:
        print(f"  py-spy stacks (collapsed): {tmp}/instance*.folded", flush=True)
    for process in processes:
        if process.wait(timeout=120) != 0:
            raise RuntimeError(f"a client process of {name!r} failed ({process.returncode})")
    outputs = [json.loads((tmp / f"client{i}.json").read_text()) for i in range(clients)]
    for output in outputs:  # later runs reuse the sessions (access tokens live 15 min)
        deployment.tokens.update(output["tokens"])
    for workspace, _emails in chosen:  # the next run starts from the same small notes/ folder
        for note in (deployment.root / "workspaces" / workspace / "notes").glob(f"*-{tag}.md"):
            note.unlink()
    result = aggregate(name, users, instances, duration, ramp_s, outputs, before, after, wall,
                       rss, load_before, measure_from, measure_to)
    result.idle_rss = [deployment.idle_rss[i] for i in range(instances)]
    result.workspaces = team_count
    steady = result.ops["all requests (steady)"]
    if sign_in_only:  # the clients exited before the last CPU sample: their own count
        result.client_cpu = sum(output["cpu_s"] for output in outputs) / wall
        steady = result.ops.get("sign in", {})
    print(f"  -> {result.request_rate:,.0f} requests/s, p95 {ms(steady.get('p95'))} ms, "
          f"errors {sum(result.errors.values())} ({result.error_rate:.1%})", flush=True)
    return result


def aggregate(name: str, users: int, instances: int, duration: float, ramp_s: float,
              outputs: list[dict[str, Any]], before: tuple[Any, ...], after: tuple[Any, ...],
              wall: float, rss: list[float], load_before: float, measure_from: float,
              measure_to: float) -> RunResult:
    ops: dict[str, dict[str, Any]] = {}
    errors: Counter[str] = Counter()
    examples: dict[str, str] = {}
    in_window = 0
    for output in outputs:
        examples |= output["errors"]
    names = sorted({op for output in outputs for op in output["samples"]})
    all_http: list[float] = []
    for op in names:
        rows = [row for output in outputs for row in output["samples"].get(op, [])]
        if op in HTTP_OPS:
            rows = [row for row in rows if measure_from <= row[0] < measure_to]
            in_window += len(rows)
        good = [row[1] for row in rows if str(row[2]).startswith("2")]
        bad = Counter(str(row[2]) for row in rows if not str(row[2]).startswith("2"))
        for status, count in bad.items():
            errors[f"{op} {status}"] += count
        ops[op] = summarize(good) | {"errors": dict(bad), "total": len(rows)}
        if op in HTTP_OPS:
            all_http += good
    ops["all requests (steady)"] = summarize(all_http) | {"errors": {}, "total": in_window}
    pushes = {}
    for where in ("same", "other"):
        seen = [ms for output in outputs for ms in output["pushes"][where]]
        expected = sum(output["pushes_expected"][where] for output in outputs)
        pushes[where] = summarize(seen) | {"expected": expected}
    pushes["duplicates"] = {"count": sum(output["duplicates"] for output in outputs)}
    machine_jiffies = (after[4][0] - before[4][0]) / max(after[4][1] - before[4][1], 1)
    total = sum(op["total"] for key, op in ops.items() if key in HTTP_OPS)
    bad_total = sum(sum(op["errors"].values()) for op in ops.values())
    return RunResult(
        name=name, users=users, instances=instances, duration=duration, ramp_s=ramp_s,
        ops=ops, pushes=pushes, request_rate=in_window / duration,
        server_cpu=[(a - b) / wall for a, b in zip(after[0], before[0], strict=True)],
        server_rss=rss, idle_rss=[], workspaces=0,
        client_cpu=sum(a - b for a, b in zip(after[1], before[1], strict=True)) / wall,
        postgres_cpu=(after[2] - before[2]) / wall, redis_cpu=(after[3] - before[3]) / wall,
        machine_cpu=machine_jiffies * (os.cpu_count() or 1), load_before=load_before,
        errors=dict(errors), error_examples=examples,
        error_rate=bad_total / max(total + sum(
            ops.get(op, {}).get("total", 0) for op in RAMP_OPS), 1),
    )


# -- report ----------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def report_run(result: RunResult) -> str:
    if result.name == "sign-in":
        intro = (f"{result.users:,} users sign in at {result.users / result.ramp_s:.0f}/s, "
                 f"split over the instances; {result.duration:.0f} s until the last answer "
                 f"(load average before {result.load_before:.2f}).")
    else:
        intro = (f"Steady window {result.duration:.0f} s after a {result.ramp_s:.0f} s ramp; "
                 f"**{result.request_rate:,.0f} requests/s** achieved "
                 f"(load average before {result.load_before:.2f}).")
    lines = [f"### {result.name}: {result.users} users, {result.instances} instance(s)", "",
             intro, "",
             "| operation | count | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "|---|---|---|---|---|---|---|"]
    order = ["sign in", "socket connect", "create file", *HTTP_OPS, "all requests (steady)"]
    for op in order + sorted(set(result.ops) - set(order)):
        stats = result.ops.get(op)
        if stats is None:
            continue
        errors = ", ".join(f"{k}: {v}" for k, v in stats["errors"].items()) or "0"
        scope = " (ramp)" if op in RAMP_OPS else ""
        lines.append(f"| {op}{scope} | {stats['count']:,} | {ms(stats.get('p50'))} | "
                     f"{ms(stats.get('p95'))} | {ms(stats.get('p99'))} | "
                     f"{ms(stats.get('max'))} | {errors} |")
    for where, label in (("same", "fs:changed push, same instance"),
                         ("other", "fs:changed push, other instance")):
        stats = result.pushes[where]
        if stats["expected"] == 0 and stats["count"] == 0:
            continue
        share = stats["count"] / stats["expected"] if stats["expected"] else 0
        lines.append(f"| {label} | {stats['count']:,} of {stats['expected']:,} expected "
                     f"({share:.1%}) | {ms(stats.get('p50'))} | {ms(stats.get('p95'))} | "
                     f"{ms(stats.get('p99'))} | {ms(stats.get('max'))} | |")
    others = result.machine_cpu - sum(result.server_cpu) - result.postgres_cpu - \
        result.redis_cpu - result.client_cpu
    lines += ["", f"| process | CPU (cores) | peak RSS MiB ({result.workspaces} workspaces "
              "hosted; after start: none) |", "|---|---|---|"]
    for index, (cpu, rss) in enumerate(zip(result.server_cpu, result.server_rss, strict=True)):
        idle = result.idle_rss[index] if index < len(result.idle_rss) else 0
        lines.append(f"| instance {index + 1} | {cpu:.2f} | {rss:,.0f} (after start: "
                     f"{idle:,.0f}) |")
    lines += [f"| PostgreSQL (all its processes) | {result.postgres_cpu:.2f} | |",
              f"| Redis | {result.redis_cpu:.2f} | |",
              f"| load clients (competing for the same cores) | {result.client_cpu:.2f} | |",
              f"| whole machine (anything running) | {result.machine_cpu:.2f} of "
              f"{os.cpu_count()} | |",
              f"| the rest (other processes on the machine) | {max(others, 0.0):.2f} | |"]
    if result.pushes["duplicates"]["count"]:
        lines.append(f"\nPushes seen twice by one socket: {result.pushes['duplicates']['count']:,}")
    if result.errors:
        lines += ["", "Errors: " + ", ".join(f"{k} x{v}" for k, v in result.errors.items())]
        for key, text in list(result.error_examples.items())[:6]:
            lines.append(f"- {key}: {text!r}")
    return "\n".join(lines)


def report_curve(results: list[RunResult]) -> str:
    lines = ["### Users vs p95 (steady window)", "",
             "| users | instances | req/s | p95 all | list | read | save | search | "
             "sign-in p95 (ramp) | push p95 same/other | errors | server CPU (cores) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        def p95(op: str, result: RunResult = r) -> str:
            return ms(result.ops.get(op, {}).get("p95"))

        errors = sum(r.errors.values())
        lines.append(
            f"| {r.users:,} | {r.instances} | {r.request_rate:,.0f} | "
            f"{p95('all requests (steady)')} | {p95('list files')} | {p95('read file')} | "
            f"{p95('save')} | {p95('search')} | {p95('sign in')} | "
            f"{ms(r.pushes['same'].get('p95'))} / {ms(r.pushes['other'].get('p95'))} | "
            f"{errors} ({r.error_rate:.1%}) | "
            f"{' + '.join(f'{c:.2f}' for c in r.server_cpu)} |")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60, help="steady window, seconds")
    parser.add_argument("--curve", default="100,250,500,1000,1500",
                        help="user counts on --instances instances ('' for none)")
    parser.add_argument("--curve-duration", type=float, default=30)
    parser.add_argument("--no-single", action="store_true",
                        help="skip the 1-instance run at --users")
    parser.add_argument("--ramp-rate", type=float, default=40,
                        help="users started a second (socket, file, then work)")
    parser.add_argument("--signin-rate", type=float, default=20,
                        help="sign-ins a second in the sign-in run before the others")
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--mix", default=DEFAULT_MIX, help="op=weight,… of read/tree/save/search")
    parser.add_argument("--index", action="store_true", help="codebase indexer on")
    # Report-only by default: on this 2-core machine 1,000 users overload the servers
    # (503s by design), and `make bench` runs this too. A server that fails always fails.
    parser.add_argument("--max-error-rate", type=float, default=None,
                        help="fail (exit 1) when a main run's errors exceed this share")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--profile", type=Path, default=None, metavar="PY_SPY",
                        help="a py-spy binary: record each instance's stacks in the window")
    parser.add_argument("--keep", type=Path, default=None,
                        help="copy the run folders (plans, samples, stacks) here")
    args = parser.parse_args()
    args.curve = [int(x) for x in args.curve.split(",") if x.strip()]
    return args


def main() -> int:
    args = parse_args()
    env, notes = server_env(args)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}", flush=True)
    results: list[RunResult] = []
    curve: list[RunResult] = []
    if not postgres_available():
        sys.exit("PostgreSQL does not answer at 127.0.0.1:5432 (PAIRPAD_TEST_POSTGRES names "
                 "another server)")
    failure: BaseException | None = None
    with tempfile.TemporaryDirectory(prefix="pairpad-load-") as tmp:
        root = Path(tmp)
        (root / "redis").mkdir()
        redis = RedisServer(free_port(), root / "redis")
        redis.start()
        deployment = Deployment(root, fresh_database_url(), redis, env)
        print(f"database {deployment.database_url.rsplit('/', 1)[1]}, redis {redis.url}",
              flush=True)
        try:
            prepare(args, deployment)
            for index in range(1, args.instances):
                deployment.start_instance(index)
            # Sessions first, measured on their own (argon2id: ~40 ms of CPU each), then
            # kept by the later runs' users (as a browser keeps its session between visits).
            results.append(run_load(deployment, args, "sign-in", args.users, args.instances,
                                    0, sign_in_only=True))
            main_run = run_load(deployment, args, f"{args.instances} instances", args.users,
                                args.instances, args.duration)
            results.append(main_run)
            for users in args.curve:
                if users == args.users:
                    curve.append(main_run)
                    continue
                curve.append(run_load(deployment, args, f"curve {users}", users,
                                      args.instances, args.curve_duration))
            if args.instances > 1 and not args.no_single:
                for index in range(1, args.instances):
                    deployment.stop_instance(index)
                results.append(run_load(deployment, args, "one instance", args.users, 1,
                                        args.duration))
        except (RuntimeError, OSError, httpx.HTTPError) as error:  # report what was measured
            failure = error
        finally:
            if args.keep is not None and (root / "runs").exists():
                shutil.copytree(root / "runs", args.keep, dirs_exist_ok=True)
            for index in range(len(deployment.servers)):
                deployment.stop_instance(index)
            redis.stop()
            drop_database(deployment.database_url)
    print()
    print(f"Machine: {machine()}. Settings: {'; '.join(notes)}. Mix: {args.mix}; think time "
          f"0.5-1.5 s; {TEAM_SIZE} users per team, one workspace each; sign-ins at "
          f"{args.signin_rate:g}/s, then runs ramp at {args.ramp_rate:g} users/s with those "
          f"sessions; {args.clients} client processes.")
    for result in results:
        print()
        print(report_run(result))
    if curve:
        print()
        print(report_curve(sorted(curve, key=lambda r: r.users)))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "settings": notes,
                                         "runs": [r.__dict__ for r in results],
                                         "curve": [r.__dict__ for r in curve]}, indent=1))
    limit = args.max_error_rate
    failed = [r for r in results if limit is not None and r.error_rate > limit]
    if failure is not None:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    for result in failed:
        print(f"FAILED: {result.name}: errors {result.error_rate:.2%} > "
              f"{limit:.2%}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
