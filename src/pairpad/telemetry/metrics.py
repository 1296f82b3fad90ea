"""Every Prometheus series Pairpad exports (`GET /metrics`), defined in one place.

Process-wide objects in prometheus-client's default registry (which also carries the
process and Python collectors): each `pairpad serve` instance exports its own, and
Prometheus sums across instances. Label values are bounded: routes are route templates
(never raw paths), providers are configured provider names, groups are the rate-limit
groups of the configuration.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Latency buckets (seconds) around the 200 ms p95 target, up to slow model calls.
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
MODEL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

HTTP_REQUESTS = Counter(
    "pairpad_http_requests", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "pairpad_http_request_duration_seconds", "Time to answer an HTTP request (to the end "
    "of its body), by route template.", ["method", "route"], buckets=HTTP_BUCKETS)
SOCKET_CONNECTIONS = Gauge(
    "pairpad_socketio_connections", "Socket.IO connections open on this instance.")
MODEL_LATENCY = Histogram(
    "pairpad_model_request_duration_seconds", "Time of a model request (to its last token), "
    "by provider and kind (chat, completion, edit, agent, embed).", ["provider", "kind"],
    buckets=MODEL_BUCKETS)
MODEL_TOKENS = Counter(
    "pairpad_model_tokens", "Tokens sent to and received from models, by provider and "
    "direction (prompt, completion).", ["provider", "direction"])
INDEX_JOBS = Counter(
    "pairpad_index_jobs", "Codebase index jobs run by this instance, by outcome "
    "(done, failed).", ["outcome"])
INDEX_JOB_DURATION = Histogram(
    "pairpad_index_job_duration_seconds", "Time of an index job (a build or an update).",
    buckets=(0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0))
RATE_LIMIT_REJECTIONS = Counter(
    "pairpad_rate_limit_rejections", "Requests refused with 429 by a rate limit, by group.",
    ["group"])
AUDIT_EVENTS = Counter(
    "pairpad_audit_events", "Security events written to the audit trail, by action.",
    ["action"])
