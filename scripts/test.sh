#!/usr/bin/env bash
# The one test command (npm test): brings up the local infrastructure, then
# lints, type-checks and runs every project's tests (unit, integration against
# the real Kafka and PostgreSQL, and the e2e suite), then prints one total.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/scripts/infra.sh up
set -a
# shellcheck disable=SC1091
source .hive/infra.env
set +a

rm -rf .hive/test-results
status=0
npx nx run-many -t lint typecheck --outputStyle=stream || status=$?
if [ "$status" -eq 0 ]; then
  npx nx run-many -t test --outputStyle=stream || status=$?
fi

node -e '
  const fs = require("node:fs"), dir = ".hive/test-results";
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const f of files) { const r = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")); for (const k in total) total[k] += r[k]; }
  console.log(`\n${files.length} projects tested`);
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
'
exit "$status"
