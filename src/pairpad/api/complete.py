"""Inline completion over HTTP: `POST /api/complete`, its feedback, stats and warm-up.

The same service answers `complete:request` over Socket.IO (`realtime/handlers/complete.py`).
A client that goes away (the editor aborted the fetch: the user typed on) cancels the
generation at the provider: a side task waits for the ASGI `http.disconnect` and sets the
request's cancel event.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from pairpad.ai.completion.models import (
    CompleteRequest,
    CompleteResponse,
    CompletionFeedback,
    CompletionStatsResponse,
    CompletionWarm,
)
from pairpad.api.authz import authorize, authorized
from pairpad.api.deps import ServicesDep, services_of
from pairpad.api.disconnect import cancel_on_disconnect
from pairpad.api.openapi import errors

router = APIRouter(tags=["complete"])

_FAILURES = {
    403: "A secret file (credentials or keys): never sent to a model",
    502: "The provider refused the completion (its detail names the setting to fix)",
    503: "The autocomplete model is unavailable, or the embedded model is still starting",
    504: "No answer within ai.autocomplete.timeout (the generation was stopped)",
}


@router.post("/api/complete", responses=errors({**_FAILURES, 400: "A path outside the "
                                                "workspace"}))
@authorize("write", "chat")
async def complete(body: CompleteRequest, request: Request) -> CompleteResponse:
    """The completion at the cursor on the `autocomplete` role; `items` is empty when there
    is nothing worth showing or the request was superseded (same `context.editor_id`)."""
    started = time.perf_counter()
    async with cancel_on_disconnect(request) as cancel:
        return await services_of(request).completion.complete(body, cancel, started=started)


@router.post("/api/complete/feedback", status_code=204,
             responses=errors({404: "Unknown completion id"}),
             dependencies=[authorized("write", "chat")])
async def feedback(body: CompletionFeedback, services: ServicesDep) -> Response:
    """What became of a completion: shown, accepted, partly accepted, dismissed (kept
    locally in SQLite, never sent anywhere)."""
    await services.completion.stats.feedback(body.id, body.outcome, body.accepted_chars)
    return Response(status_code=204)


@router.get("/api/complete/stats", dependencies=[authorized("read", "chat")])
async def stats(services: ServicesDep) -> CompletionStatsResponse:
    """Acceptance and latency of inline completion in this workspace, by model and language."""
    return CompletionStatsResponse.model_validate(await services.completion.stats.summary())


@router.post("/api/complete/warm", responses=errors({**_FAILURES, 400: "A path outside the "
                                                     "workspace"}),
             dependencies=[authorized("write", "chat")])
async def warm(services: ServicesDep,
               body: Annotated[CompleteRequest | None, Body()] = None) -> CompletionWarm:
    """Load the autocomplete model (starts the embedded one) and run a 1-token completion;
    answers when it is ready. The editor calls it when it opens.

    With a body (the fields of `POST /api/complete`): the 1-token completion has exactly the
    prompt that completion would have, so the model server caches that file's prompt and the
    first completion in it evaluates only the new tokens. The editor sends it when a file gets
    focus. A newer warm-up or a completion of the same `context.editor_id` cancels it
    (`state: "cancelled"`). Never counted in the stats."""
    return await services.completion.warm(body)
