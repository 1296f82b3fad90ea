"""`pairpad chat`'s event handling: events before the ack, disconnects, an idle bound."""

from __future__ import annotations

import asyncio
import io

from pairpad.cli_chat import EXIT_FAILED, EXIT_LOST, Printer, _result

ACK = {"message_id": "m1", "model": "p:m", "context": []}


def printer() -> tuple[Printer, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Printer(out, err), out, err


async def test_done_before_the_ack_is_not_dropped() -> None:
    p, out, err = printer()
    await p.event("chat:delta", {"message_id": "m1", "text": "Hello"})
    await p.event("chat:delta", {"message_id": "other", "text": "not ours"})
    await p.event("chat:done", {"message_id": "m1", "finish_reason": "stop",
                                "usage": {"input_tokens": 3, "output_tokens": 1}})
    assert not p.done.is_set()
    p.started(ACK)
    async with asyncio.timeout(5):  # a hang guard only
        await p.wait(idle_timeout=60)
    assert out.getvalue() == "Hello"
    assert "[stop; 3 in, 1 out]" in err.getvalue()
    assert _result(p) == 0


async def test_error_before_the_ack_is_not_dropped() -> None:
    p, _out, err = printer()
    await p.event("chat:error", {"message_id": "m1", "detail": "Provider 'down' unreachable"})
    p.started(ACK)
    async with asyncio.timeout(5):
        await p.wait(idle_timeout=60)
    assert _result(p) == EXIT_FAILED
    assert "Provider 'down' unreachable" in err.getvalue()


async def test_disconnect_ends_the_wait_with_a_clear_error() -> None:
    p, _out, err = printer()
    p.started(ACK)
    waiting = asyncio.create_task(p.wait(idle_timeout=60))
    await p.event("chat:delta", {"message_id": "m1", "text": "Hel"})
    p.disconnected()
    async with asyncio.timeout(5):
        await waiting
    assert _result(p) == EXIT_LOST
    assert "lost the connection" in err.getvalue()


async def test_silence_is_bounded_but_activity_keeps_it_waiting() -> None:
    p, out, err = printer()
    p.started(ACK)
    waiting = asyncio.create_task(p.wait(idle_timeout=2.0))
    for _ in range(4):  # never 2 s of silence
        await asyncio.sleep(0.05)
        await p.event("chat:delta", {"message_id": "m1", "text": "."})
    assert not waiting.done()
    async with asyncio.timeout(5):
        await waiting  # now silent: gives up
    assert out.getvalue() == "...."
    assert _result(p) == EXIT_LOST and "no answer from the server for 2s" in err.getvalue()
