"""Inline completion (ghost text) on the `autocomplete` role.

`context.py` gathers what the model should see beyond the file (signatures of names used near
the cursor, recent edits of other open files); `prompt.py` builds the prompt within a token
budget; the provider renders the model's FIM template; `cleanup.py` cuts the raw completion
to what is worth showing. `service.py` runs them, with the cache (`cache.py`), and records
what the user did with each suggestion (`stats.py`).
"""
