#!/usr/bin/env bash
# Install llama-cpp-python built portably for any x86-64-v3 CPU (Haswell / Zen 1 and newer).
#
# Why: a GGML_NATIVE build compiles for the build machine's CPU. On an Intel Xeon with AMX it
# picks AMX kernels that die with SIGILL (`tilezero`) on machines where AMX is not usable, and
# a wheel built on one machine is reused on the next. So we build with the instruction sets
# spelled out (AVX2/FMA/F16C/BMI2, nothing wider) and keep the wheel in a folder whose name is
# derived from the version *and* the flags: pip's own wheel cache is keyed by the source only,
# so it could hand back a native wheel built earlier with other flags (hence --no-cache-dir).
#
# Usage: scripts/install-llama.sh PYTHON VERSION
# CMAKE_ARGS (the Makefile's LLAMA_CMAKE_ARGS) may replace the flags below, but never with a
# native build: without -DGGML_NATIVE=OFF the script refuses.
set -euo pipefail
python=$1
version=$2

default_flags="-DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF"
default_flags+=" -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
default_flags+=" -DGGML_BMI2=ON -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF"
default_flags+=" -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF"
default_flags+=" -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_OPENMP=ON -DLLAMA_CURL=OFF"
default_flags+=" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
flags=${CMAKE_ARGS:-$default_flags}
case " $flags " in
  *" -DGGML_NATIVE=OFF "*) ;;
  *) echo "install-llama.sh: CMAKE_ARGS must contain -DGGML_NATIVE=OFF (a native build dies" \
          "with SIGILL on other CPUs): $flags" >&2; exit 2 ;;
esac

key=$(printf '%s %s %s' "$version" "$flags" "$(uname -m)" | sha256sum | cut -c1-16)
cache=${PAIRPAD_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pairpad/wheels}
dir="$cache/llama-cpp-python-$version-$key"

if ! compgen -G "$dir/llama_cpp_python-$version-*.whl" >/dev/null; then
  echo "Building llama-cpp-python $version portably (several minutes on 2 cores): $flags"
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  printf '%s\n' "$flags" >"$dir.partial/CMAKE_ARGS"
  CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" FORCE_CMAKE=1 \
    "$python" -m pip wheel --quiet --no-cache-dir --no-deps --no-binary llama-cpp-python \
    "llama-cpp-python==$version" -w "$dir.partial"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
fi
"$python" -m pip install --quiet --no-deps --force-reinstall "$dir"/llama_cpp_python-"$version"-*.whl
