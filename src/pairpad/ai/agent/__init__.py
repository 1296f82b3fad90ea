"""Agent mode: a task in, a reviewed multi-file change out (issue 14)."""
