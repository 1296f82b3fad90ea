"""deploy/prometheus/pairpad-alerts.yml: valid Prometheus rules (promtool when installed,
and always the schema check), and every Pairpad metric its expressions use is one the app
really exports (a renamed metric breaks this test, not the alerts in production)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import yaml  # type: ignore[import-untyped]  # pyyaml: through schemathesis (dev), no stubs

from pairpad.app import PairpadApp

RULES = Path(__file__).parents[3] / "deploy" / "prometheus" / "pairpad-alerts.yml"
# Prometheus' duration format (model.ParseDuration): units largest first, each at most once.
DURATION = re.compile(r"^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
ALERT_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
RECORD_KEYS = {"record", "expr", "labels"}
PAIRPAD_METRIC = re.compile(r"\bpairpad_[a-z0-9_]+")


def load_rules() -> dict[str, Any]:
    document = yaml.safe_load(RULES.read_text())
    assert isinstance(document, dict)
    return document


def schema_problems(document: dict[str, Any]) -> list[str]:
    """What the Prometheus rules-file schema refuses (promtool's checks, short of PromQL)."""
    problems: list[str] = []
    if set(document) != {"groups"} or not isinstance(document["groups"], list):
        return ["the file must be {groups: [...]}"]
    names = [group.get("name") for group in document["groups"] if isinstance(group, dict)]
    if len(names) != len(set(names)):
        problems.append(f"group names repeat: {names}")
    for group in document["groups"]:
        if not isinstance(group, dict) or not isinstance(group.get("name"), str) \
                or not group["name"]:
            problems.append(f"a group needs a name: {group!r}")
            continue
        if not isinstance(group.get("rules"), list) or not group["rules"]:
            problems.append(f"group {group['name']}: rules must be a non-empty list")
            continue
        problems += [f"group {group['name']}: {p}" for rule in group["rules"]
                     for p in rule_problems(rule)]
    return problems


def rule_problems(rule: Any) -> list[str]:
    if not isinstance(rule, dict):
        return [f"a rule must be a mapping: {rule!r}"]
    kind = "alert" if "alert" in rule else "record" if "record" in rule else None
    if kind is None or ("alert" in rule and "record" in rule):
        return [f"a rule has exactly one of alert or record: {rule!r}"]
    name = rule[kind]
    problems = [f"{name}: unknown key {key}" for key in rule
                if key not in (ALERT_KEYS if kind == "alert" else RECORD_KEYS)]
    if not isinstance(name, str) or not name:
        problems.append(f"{kind} name must be a non-empty string")
    elif kind == "record" and not METRIC_NAME.fullmatch(name):
        problems.append(f"{name}: not a valid metric name")
    if not isinstance(rule.get("expr"), str) or not rule["expr"].strip():
        problems.append(f"{name}: expr must be a non-empty string")
    for key in ("for", "keep_firing_for"):
        value = rule.get(key)
        if value is not None and (not isinstance(value, str) or not value
                                  or not DURATION.fullmatch(value)):
            problems.append(f"{name}: {key} {value!r} is not a duration like 5m or 1h30m")
    for key in ("labels", "annotations"):
        value = rule.get(key, {})
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            problems.append(f"{name}: {key} must map strings to strings")
    return problems


def exported_names(scrape: str) -> set[str]:
    """Every series name a query may use: counters as `_total`, histograms with their
    `_bucket`, `_sum` and `_count` (a series without samples yet still has its TYPE line)."""
    names: set[str] = set()
    for line in scrape.splitlines():
        if line.startswith("# TYPE "):
            _hash, _type, name, kind = line.split(" ", 3)
            names.add(name)
            if kind == "histogram":
                names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_the_schema_check_refuses_what_prometheus_would() -> None:
    good = {"alert": "A", "expr": "up == 0", "for": "5m", "labels": {"severity": "warning"}}
    assert rule_problems(good) == []
    assert rule_problems({**good, "for": "5 minutes"})
    assert rule_problems({**good, "expr": " "})
    assert rule_problems({**good, "record": "a:b"})
    assert rule_problems({**good, "labels": {"severity": 1}})
    assert rule_problems({"record": "not a name", "expr": "up"})
    assert schema_problems({"groups": [{"name": "g", "rules": []}]})


def test_the_rules_file_is_valid() -> None:
    """promtool when it is installed; the schema check always (the fallback CI relies on
    where promtool is not installed, so this never skips)."""
    promtool = shutil.which("promtool")
    if promtool is not None:
        checked = subprocess.run([promtool, "check", "rules", str(RULES)],
                                 capture_output=True, text=True, timeout=60, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert schema_problems(load_rules()) == []


async def test_every_pairpad_metric_the_rules_use_is_exported(
    app: PairpadApp, client: httpx.AsyncClient,
) -> None:
    scrape = await client.get("/metrics")
    assert scrape.status_code == 200, scrape.text
    exported = exported_names(scrape.text)
    used = {name for group in load_rules()["groups"] for rule in group["rules"]
            for name in PAIRPAD_METRIC.findall(rule["expr"])}
    assert {"pairpad_http_request_duration_seconds_bucket", "pairpad_http_requests_total",
            "pairpad_audit_events_total"} <= used
    assert used - exported == set(), f"rules use metrics the app does not export: {used - exported}"
