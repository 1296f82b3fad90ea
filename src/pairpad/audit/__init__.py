"""The audit trail: an append-only, hash-chained table of security events (`audit_events`),
written by `AuditTrail.record` and checked by `AuditTrail.verify` (`pairpad audit verify`)."""
