#!/usr/bin/env bash
# npm test: installs what it needs, then type-check, lint, unit tests, the lab, integration tests.
# Ends with one plain line `N passed, N failed[, N skipped]` summing every stage.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi

passed=0 failed=0 skipped=0
stage() { # stage NAME CMD... — a stage that is not a test runner counts as one test
  echo "== $1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "✘ stage failed: $*"; fi
}
tests() { # tests NAME TIER — adds the runner's own counts
  echo "== $1"
  local out; out=$(mktemp)
  node --import tsx scripts/run-tests.ts "$2" | tee "$out"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); echo "✘ $1 printed no totals"; rm -f "$out"; return; fi
  passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  if grep -q skipped <<<"$line"; then skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line"))); fi
  [ "$rc" -eq 0 ] || grep -qE ' [1-9][0-9]* failed' <<<"$line" || failed=$((failed + 1))
  rm -f "$out"
}

stage typecheck npx tsc --noEmit -p .
stage lint npx eslint --max-warnings 0 .
tests unit unit
if [ "${MAILTLS_SKIP_LAB:-}" = 1 ]; then
  echo "== integration: skipped (MAILTLS_SKIP_LAB=1)"; skipped=$((skipped + 1))
else
  if node --import tsx test/lab/cli.ts up; then
    tests integration integration
  else
    failed=$((failed + 1)); echo "✘ the lab did not come up"
  fi
  [ "${MAILTLS_KEEP_LAB:-}" = 1 ] || node --import tsx test/lab/cli.ts down >/dev/null || true
fi

echo
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
