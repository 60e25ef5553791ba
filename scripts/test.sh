#!/usr/bin/env bash
# `npm test`: sets up what a fresh machine lacks (scripts/setup.sh), then runs every layer and
# ends with one line of totals over all of them. Each layer runs even when an earlier one failed.
#   static checks  typecheck (extension, tests, webview) and ESLint
#   unit           plain mocha, no VS Code, no broker
#   integration    the Kafka layer against real brokers, once on Kafka 3.9.2 and once on 4.4.0
#   rabbitmq       against a private RabbitMQ node (own name, ports, data dir; never the system node)
#   beanstalkd     against private beanstalkd servers on free ports
#   vscode         the in-host suite inside code-server's extension host, against a real broker
#   e2e            Chromium drives code-server with the VSIX installed, against a real broker
# MQX_SKIP_SETUP=1 skips setup (for quick reruns).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/test-results"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json
START=$(date +%s)

if [[ "${MQX_SKIP_SETUP:-0}" != 1 ]]; then
  if ! bash scripts/setup.sh; then
    echo "setup failed: see the lines above"
    echo "0 passed, 1 failed"
    exit 1
  fi
else
  npx tsc -p . && npm run -s package >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi

banner() { printf '\n===== %s =====\n' "$*"; }

banner "static checks"
checks_passed=0; checks_failed=0; check_failures='[]'
run_check() {
  local name="$1"; shift
  if "$@"; then
    checks_passed=$((checks_passed + 1)); echo "  ok: $name"
  else
    checks_failed=$((checks_failed + 1)); echo "  FAILED: $name"
    check_failures=$(node -e 'const a=JSON.parse(process.argv[1]);a.push({title:process.argv[2],error:"see output"});console.log(JSON.stringify(a))' "$check_failures" "$name")
  fi
}
run_check "typecheck (extension and tests)" npx tsc -p . --noEmit
run_check "typecheck (webview)" npx tsc -p webview-ui --noEmit
run_check "eslint" npx eslint .
run_check "install-code-server.sh is safe to rerun" bash test/scripts/install-code-server.check.sh
node -e 'const [p,f,fl,file]=process.argv.slice(1);require("fs").writeFileSync(file,JSON.stringify({layer:"static checks",passed:+p,failed:+f,skipped:0,failures:JSON.parse(fl)}))' \
  "$checks_passed" "$checks_failed" "$check_failures" "$RESULTS/static.json"

banner "unit"
MQX_LAYER=unit MQX_RESULTS_FILE="$RESULTS/unit.json" npx mocha --config test/unit/.mocharc.json

files=("$RESULTS/static.json" "$RESULTS/unit.json")
for version in 3.9.2 4.4.0; do
  banner "integration (Kafka $version)"
  KAFKA_VERSION=$version MQX_LAYER="integration (Kafka $version)" MQX_RESULTS_FILE="$RESULTS/integration-$version.json" \
    npx mocha --config test/integration/.mocharc.json
  files+=("$RESULTS/integration-$version.json")
done

banner "rabbitmq (a private RabbitMQ node from the Debian package)"
MQX_LAYER="rabbitmq" MQX_RESULTS_FILE="$RESULTS/rabbitmq.json" npx mocha --config test/rabbitmq/.mocharc.json
files+=("$RESULTS/rabbitmq.json")

banner "beanstalkd (private beanstalkd servers from the Debian package)"
MQX_LAYER="beanstalkd" MQX_RESULTS_FILE="$RESULTS/beanstalkd.json" npx mocha --config test/beanstalkd/.mocharc.json
files+=("$RESULTS/beanstalkd.json")

banner "vscode (in-host suite in code-server, Kafka 4.4.0)"
KAFKA_VERSION=4.4.0 MQX_LAYER="vscode (in-host)" MQX_RESULTS_FILE="$RESULTS/vscode.json" \
  node out/test/harness/withKafka.js -- node out/test/harness/runInHostCli.js
files+=("$RESULTS/vscode.json")

banner "e2e (Chromium + code-server + VSIX, Kafka 3.9.2)"
KAFKA_VERSION=3.9.2 MQX_LAYER="e2e (browser)" MQX_RESULTS_FILE="$RESULTS/e2e.json" \
  node out/test/harness/withKafka.js -- npx mocha --config test/e2e/.mocharc.json
files+=("$RESULTS/e2e.json")

banner "totals ($(( $(date +%s) - START )) s; screenshots in test-results/screenshots)"
node scripts/totals.mjs "${files[@]}"
