"""The embedded model's llama.cpp build runs on every x86-64 machine this project lands on.

A GGML_NATIVE build made on an Intel Xeon with AMX compiles AMX kernels; on a machine where AMX
is not usable the first batched generation dies with SIGILL (`tilezero`) while one-token prompts
still work. So: the installed libraries carry no AMX or AVX-512 instructions (scanned with
objdump, with a positive control proving the scan sees them), and a multi-token prompt
generates in a child process, where a crash shows as a signal instead of killing pytest.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.model import require_embedded_model

pytestmark = pytest.mark.model

# AMX tile instructions and any use of the 512-bit registers (AVX-512).
NON_PORTABLE = re.compile(r"\b(tilezero|tileloadd|tileloaddt1|tilestored|ldtilecfg|sttilecfg|"
                          r"tdpb[su][su]d|tdpbf16ps|tdpfp16ps)\b|%zmm\d|%k[1-7]\b")


def _objdump() -> str:
    tool = shutil.which("objdump")
    if tool is None:
        pytest.fail("objdump (Debian's binutils, installed with gcc) is needed to check the build")
    return tool


def non_portable_instructions(library: Path) -> list[str]:
    listing = subprocess.run([_objdump(), "-d", "--no-show-raw-insn", str(library)],
                             capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in listing.splitlines() if NON_PORTABLE.search(line)]


def llama_libraries() -> list[Path]:
    require_embedded_model()
    spec = importlib.util.find_spec("llama_cpp")
    assert spec is not None and spec.submodule_search_locations
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib"
    found = sorted(p for p in lib.glob("*.so") if p.is_file())
    assert any(p.name == "libggml-cpu.so" for p in found), f"no libggml-cpu.so in {lib}"
    return found


def test_scanner_sees_amx_and_avx512(tmp_path: Path) -> None:
    """Positive control: the scan below would notice a native build's instructions."""
    source = tmp_path / "native.s"
    source.write_text(".text\nf:\n tilezero %tmm0\n vpaddd %zmm1, %zmm2, %zmm3\n ret\n")
    obj = tmp_path / "native.o"
    subprocess.run(["as", "-o", str(obj), str(source)], check=True)
    found = non_portable_instructions(obj)
    assert any("tilezero" in line for line in found)
    assert any("zmm" in line for line in found)


def test_llama_cpp_libraries_carry_no_amx_or_avx512() -> None:
    for library in llama_libraries():
        found = non_portable_instructions(library)
        assert not found, (
            f"{library.name} was built for this CPU only ({len(found)} AMX/AVX-512 "
            f"instructions, e.g. {found[:3]}): rebuild with scripts/install-llama.sh")


GENERATE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=512, n_batch=64, verbose=False)
out = llm("Once upon a time, in a small village by the sea, there lived a", max_tokens=24,
          temperature=0)
print(out["usage"]["prompt_tokens"], out["usage"]["completion_tokens"])
"""


def test_embedded_model_generates_from_a_multi_token_prompt() -> None:
    require_embedded_model()
    from pairpad.ai.providers.local import embedded_model_path

    result = subprocess.run([sys.executable, "-c", GENERATE, str(embedded_model_path())],
                            capture_output=True, text=True, timeout=120)
    if result.returncode < 0:
        name = signal.Signals(-result.returncode).name
        pytest.fail(f"llama.cpp died with {name} on a batched prompt (a CPU-specific build?): "
                    f"{result.stderr[-400:]}")
    assert result.returncode == 0, result.stderr[-800:]
    prompt_tokens, completion_tokens = map(int, result.stdout.split())
    assert prompt_tokens > 8
    assert completion_tokens > 1
