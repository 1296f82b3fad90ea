"""Pairpad: an open-source AI IDE."""

__version__ = "0.1.0"
