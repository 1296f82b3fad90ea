"""What a terminal keeps of its output: decoded text, the bounded scroll-back, flow control.

Pure bookkeeping, no I/O (runtime/terminals.py does the PTY and the events):

- `OutputDecoder`: PTY bytes -> text, incrementally, so a UTF-8 character split across two
  reads is decoded whole (never U+FFFD for a valid stream); invalid bytes become U+FFFD.
- `Scrollback`: the last N characters, trimmed from the front (at a line start where the
  cut chunk has one, so a reattached screen does not begin mid escape sequence).
- `FlowControl`: offsets in characters; reading stops while more than `high` characters
  are sent but not acknowledged by any client, and resumes below `low`.
"""

from __future__ import annotations

import codecs
from collections import deque
from dataclasses import dataclass


class OutputDecoder:
    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def decode(self, data: bytes) -> str:
        return self._decoder.decode(data)

    def flush(self) -> str:
        """What is left at the end (an incomplete character becomes U+FFFD)."""
        return self._decoder.decode(b"", final=True)


class Scrollback:
    """The tail of the output, at most `limit` characters; `end` is the offset it ends at."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._chunks: deque[str] = deque()
        self._size = 0
        self.end = 0

    def __len__(self) -> int:
        return self._size

    def append(self, text: str) -> None:
        if not text:
            return
        self.end += len(text)
        self._chunks.append(text)
        self._size += len(text)
        self._trim()

    def text(self) -> str:
        if len(self._chunks) > 1:  # join once; later reads are a single chunk
            joined = "".join(self._chunks)
            self._chunks.clear()
            self._chunks.append(joined)
        return self._chunks[0] if self._chunks else ""

    def _trim(self) -> None:
        excess = self._size - self.limit
        while excess > 0:
            first = self._chunks[0]
            if len(first) <= excess:
                self._chunks.popleft()
                self._size -= len(first)
                excess -= len(first)
                continue
            # Cut inside this chunk: after the next line break when it has one.
            newline = first.find("\n", excess)
            cut = newline + 1 if newline != -1 else excess
            self._chunks[0] = first[cut:]
            self._size -= cut
            if not self._chunks[0]:
                self._chunks.popleft()
            excess = 0


@dataclass
class FlowControl:
    """Sent-but-unacknowledged characters, and whether reading should pause for them."""

    high: int
    low: int
    written: int = 0  # offset at the end of everything read so far
    acked: int = 0  # the highest offset any attached client has acknowledged
    paused: bool = False

    def wrote(self, chars: int) -> None:
        self.written += chars

    def ack(self, offset: int) -> None:
        """A client has drawn up to `offset` (never beyond what was written)."""
        self.acked = max(self.acked, min(offset, self.written))

    def catch_up(self) -> None:
        """Nobody to wait for (no client attached, or one just reattached at the end)."""
        self.acked = self.written

    @property
    def unacked(self) -> int:
        return self.written - self.acked

    def should_pause(self) -> bool:
        return not self.paused and self.unacked > self.high

    def should_resume(self) -> bool:
        return self.paused and self.unacked <= self.low
