#!/usr/bin/env bash
# Runs one benchmark program (tools/bench/src/<name>.bench.ts) after bringing
# up the infrastructure it needs. Usage: npm run bench:<name>
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/bench.sh <name>}

bash infra/scripts/infra.sh up >/dev/null
set -a
# shellcheck disable=SC1091
source .hive/infra.env
set +a
export TS_NODE_PROJECT="$PWD/tsconfig.base.json" NODE_ENV=production
exec node -r @swc-node/register "tools/bench/src/${name}.bench.ts"
