#!/usr/bin/env bash
# Installs what the cross-language, browser and network tests need on a Debian machine: Debian's own Python 3
# with grpcio, protobuf and numpy, and protoc with the gRPC Python plugin (the tests generate their Python
# stubs from proto/ at test time), Chromium for the dashboard test, iproute2 (ip, tc) for the network tests.
# Idempotent and quiet: when everything is present it only checks and exits.
# Run it as root (CI does), or as a user with sudo.
set -euo pipefail

PYTHON=/usr/bin/python3   # Debian's interpreter: the python3 first on PATH may be another build without these packages
packages=(
  python3-grpcio
  python3-protobuf
  python3-numpy
  protobuf-compiler
  protobuf-compiler-grpc
  chromium            # headless browser of sample-server's DashboardBrowserTests
  chromium-driver
  iproute2            # ip and tc: e2e-tests' NetworkConditionsIT puts clients in network namespaces behind shaped links
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  install=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-test-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-test-deps: run as root: apt-get update && ${install[*]}" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" "${install[@]}" >/dev/null
fi

if ! "$PYTHON" -c 'import grpc, google.protobuf, numpy' 2>/dev/null; then
  echo "install-test-deps: $PYTHON cannot import grpc, google.protobuf and numpy although the packages are installed" >&2
  "$PYTHON" -c 'import grpc, google.protobuf, numpy' || true
  exit 1
fi
for tool in /usr/bin/protoc /usr/bin/grpc_python_plugin; do
  if [[ ! -x $tool ]]; then
    echo "install-test-deps: $tool is missing (packages protobuf-compiler, protobuf-compiler-grpc)" >&2
    exit 1
  fi
done
