#!/usr/bin/env bash
# `npm run bench`: benchmarks against kcat in the same run; figures printed and saved to bench-results.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQX_KAFKA_VERSIONS="${KAFKA_VERSION:-3.9.2}" bash scripts/setup.sh
node out/bench/consume.js
node out/bench/produce.js
node out/bench/listTopics.js
node --expose-gc out/bench/tail.js
