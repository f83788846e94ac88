#!/usr/bin/env bash
# The README's test command: installs the Debian packages the cross-language and browser tests use
# (Python gRPC, NumPy, protoc, Chromium), then runs every module's tests with the Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-deps.sh
./mvnw -B -ntp verify "$@"
