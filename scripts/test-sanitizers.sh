#!/usr/bin/env bash
# `make test-sanitizers`: every test of scripts/test.sh against two instrumented builds, one after the other:
#   address  AddressSanitizer (leaks included) + UndefinedBehaviorSanitizer, in $ASAN_BUILD_DIR (build-asan)
#   thread   ThreadSanitizer, in $TSAN_BUILD_DIR (build-tsan)
# The first error a sanitizer finds ends the process that made it (a test server too: the harness passes
# the *SAN_OPTIONS below to every server it starts), so the test that drove it fails. The first builds
# take about half an hour each on two cores; ccache keeps later ones short. Without UBSan's vptr check:
# Debian's SOCI libraries do not export their backends' type information, which it needs to link.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
failed=0
run() {  # run KIND BUILD_DIR CXX_FLAGS LINK_FLAGS ENV...
  local kind="$1" dir="$2" flags="$3" link="$4"; shift 4
  echo "=== sanitizer: $kind ($dir)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DSALESDB_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$link" >/dev/null &&
    cmake --build "$dir" -j "$JOBS" &&
    env "$@" BUILD_DIR="$dir" bash scripts/test.sh || failed=$((failed + 1))
}
run address "${ASAN_BUILD_DIR:-build-asan}" \
  "-O1 -g -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  "-fsanitize=address,undefined" \
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run thread "${TSAN_BUILD_DIR:-build-tsan}" "-O1 -g -fsanitize=thread" "-fsanitize=thread" \
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
echo "=== sanitizers: $((2 - failed)) of 2 passed"
[ "$failed" -eq 0 ]
