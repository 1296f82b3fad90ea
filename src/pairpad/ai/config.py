"""AI settings: providers and the model roles that use them."""

from __future__ import annotations

from pydantic import BaseModel


class AISettings(BaseModel):
    """Placeholder extended by the AI provider layer."""
