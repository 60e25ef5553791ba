#!/usr/bin/env bash
# README's first command: set everything up, then run the sandbox (Kafka + code-server with the VSIX).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQX_KAFKA_VERSIONS="${KAFKA_VERSION:-3.9.2}" bash scripts/setup.sh
exec node out/scripts/sandbox.js
