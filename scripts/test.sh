#!/usr/bin/env bash
# `npm test`: lint (eslint + circular imports), type-check, build dist/, then both vitest projects.
# The last line printed is `N passed, N failed`, read from vitest's JSON report; the exit status is
# non-zero when any step or any test fails. Extra arguments go to vitest (e.g. a path filter).
set -uo pipefail
cd "$(dirname "$0")/.."

report=.vitest-report.json

step() {
  local name=$1
  shift
  echo "==> $name: $*"
  if ! "$@"; then
    echo "npm test: $name failed (see above); tests not run." >&2
    exit 1
  fi
}

step lint npm run --silent lint
step typecheck npx tsc -p tsconfig.json --noEmit
step build npm run --silent build

rm -f "$report"
echo "==> test: vitest run $*"
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
vitest_status=$?

if [[ ! -s $report ]]; then
  echo "npm test: vitest wrote no $report (exit $vitest_status): it failed before running tests." >&2
  exit 1
fi

# numFailedTestSuites also counts describe blocks, so failed files are counted from testResults.
summary=$(node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const failedFiles = r.testResults.filter((f) => f.status === "failed").length;
  console.log(r.numPassedTests, r.numFailedTests, failedFiles, r.success ? 1 : 0);
' "$report") || { echo "npm test: cannot read $report" >&2; exit 1; }
read -r passed failed failed_files success <<<"$summary"

# A test file that fails to load counts no failed test, so failed files and vitest's own
# verdict decide the exit status too.
status=0
if (( vitest_status != 0 || failed > 0 || failed_files > 0 || success == 0 )); then
  echo "npm test: FAILED ($failed failed test(s), $failed_files failed test file run(s), vitest exit $vitest_status)." >&2
  status=1
fi
echo "$passed passed, $failed failed"
exit $status
