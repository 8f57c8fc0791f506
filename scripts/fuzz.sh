#!/usr/bin/env bash
# fuzz.sh [PYTEST ARGS...]: the long hostile-input pass (issue 9).
# 1. tests/fuzz under the hypothesis profile `long` (WECOZA_FUZZ_PROFILE=long: 20,000 examples per test; CI runs
#    the same tests with the `ci` profile, 300 each). The last lines say how many cases reached each target.
# 2. When atheris is importable (optional, not a project dependency: `.venv/bin/pip install atheris`), coverage-
#    guided runs of the same targets (tests/fuzz/atheris_targets.py), WECOZA_FUZZ_ATHERIS_RUNS inputs each
#    (default 200000; 0 skips). Crashing inputs are saved under WECOZA_FUZZ_ARTIFACTS (default: a new temp folder).
# Needs only the venv (scripts/test.sh makes it): no database or WordPress is started. Exit status 1 when any
# property failed or any atheris target crashed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python=.venv/bin/python
if [[ ! -x $python ]]; then
  echo "fuzz.sh: no .venv here; run scripts/test.sh once to create it" >&2
  exit 2
fi

status=0
echo "fuzz.sh: tests/fuzz with the hypothesis profile 'long'"
WECOZA_FUZZ_PROFILE=long "$python" -m pytest tests/fuzz -q "$@" || status=$?

runs=${WECOZA_FUZZ_ATHERIS_RUNS:-200000}
if [[ $runs == 0 ]]; then
  echo "fuzz.sh: atheris skipped (WECOZA_FUZZ_ATHERIS_RUNS=0)"
elif ! "$python" -c 'import atheris' 2>/dev/null; then
  echo "fuzz.sh: atheris not installed, coverage-guided runs skipped (optional: .venv/bin/pip install atheris)"
else
  artifacts=${WECOZA_FUZZ_ARTIFACTS:-$(mktemp -d -t wecoza-fuzz-artifacts.XXXXXX)}
  mkdir -p "$artifacts"
  targets=$("$python" -c 'from tests.fuzz.atheris_targets import TARGETS; print(" ".join(TARGETS))' 2>/dev/null)
  crashed=()
  for target in $targets; do
    echo "fuzz.sh: atheris $target ($runs inputs)"
    if ! "$python" -m tests.fuzz.atheris_targets "$target" -atheris_runs="$runs" \
        -artifact_prefix="$artifacts/$target-" -print_final_stats=1 >"$artifacts/$target.log" 2>&1; then
      crashed+=("$target")
      grep -E '^(=== Uncaught Python exception|[A-Za-z.]*(Error|Exception)\b)' "$artifacts/$target.log" | head -3 || true
      grep -E 'Test unit written to' "$artifacts/$target.log" || true
    fi
    grep -E '^Done [0-9]+ ' "$artifacts/$target.log" || true
  done
  if (( ${#crashed[@]} )); then
    echo "fuzz.sh: atheris found crashes in: ${crashed[*]} (inputs and logs in $artifacts)" >&2
    status=1
  else
    echo "fuzz.sh: atheris found no crash (logs in $artifacts)"
  fi
fi
exit "$status"
