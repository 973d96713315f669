#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine:
#   1. `docker-compose config -q` (Debian's docker-compose package) parses and checks the schema;
#   2. every Dockerfile and bind-mounted file it names exists (config does not check those);
#   3. the Kafka image runs the broker version the local scripts run (infra/kafka/pom.xml).
# Exits non-zero with the reason. Usage: bash infra/scripts/compose-check.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

fail() { printf '✗ compose-check: %s\n' "$*" >&2; exit 1; }

if command -v docker-compose >/dev/null; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  fail "docker-compose is not installed (apt-get install --no-install-recommends docker-compose)"
fi

errors=$("${compose[@]}" -f docker-compose.yml config -q 2>&1) || fail "docker-compose.yml is invalid:
$errors"

# The resolved configuration (anchors merged, variables substituted, paths made absolute) as
# YAML; list what must exist on disk. python3-yaml comes with Debian's docker-compose.
missing=$("${compose[@]}" -f docker-compose.yml config 2>/dev/null | python3 -c '
import os, sys, yaml
config = yaml.safe_load(sys.stdin)
for name, service in config.get("services", {}).items():
    build = service.get("build")
    if isinstance(build, dict):
        dockerfile = os.path.join(build.get("context", "."), build.get("dockerfile", "Dockerfile"))
        if not os.path.isfile(dockerfile):
            print(f"{name}: build.dockerfile {dockerfile} does not exist")
    for volume in service.get("volumes", []):
        source = volume.get("source") if isinstance(volume, dict) else volume.split(":")[0]
        kind = volume.get("type") if isinstance(volume, dict) else ("bind" if source.startswith(("/", ".")) else "volume")
        if kind == "bind" and not os.path.exists(source):
            print(f"{name}: bind mount source {source} does not exist")
')
[ -z "$missing" ] || fail "docker-compose.yml refers to missing files:
$missing"

kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' infra/kafka/pom.xml)
grep -q "image: apache/kafka:$kafka_version\$" docker-compose.yml \
  || fail "docker-compose.yml must run apache/kafka:$kafka_version, the version infra/kafka/pom.xml pins"

echo "✓ docker-compose.yml is valid ($("${compose[@]}" -f docker-compose.yml config --services | wc -l) services, Kafka $kafka_version)"
