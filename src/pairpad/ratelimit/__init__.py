"""Request rate limits (the `limits` package): which group a request counts in, the
counters (memory in local mode, Redis shared by every instance in team mode), and the
ASGI middleware answering 429 with Retry-After and the IETF RateLimit-* headers."""
