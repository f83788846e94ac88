#!/usr/bin/env bash
# Runs fedlink's benchmarks (see BENCHMARKS.md) and prints the table; the same figures go to
# benchmarks/results/<mode>-<timestamp>.json and benchmarks/results/latest-<mode>.json.
#
#   scripts/benchmark.sh            full mode: the published figures (about 15 minutes on 2 cores)
#   scripts/benchmark.sh --quick    small sizes, seconds per figure (CI runs this)
#   scripts/benchmark.sh --only=1,3 figures to run; other options are passed to io.fedlink.benchmarks.BenchmarkMain
#
# Builds with the Maven reactor (never installs), then runs the driver, which starts coordinator and client
# JVMs over TCP on 127.0.0.1. Exit status 0 when every figure ran, whether or not its target was met.
set -euo pipefail

cd "$(dirname "$0")/.."

# Figure 3 holds 10,000 TCP connections: each end (coordinator JVM, client JVM) needs a descriptor per connection.
wanted_files=16384
soft=$(ulimit -Sn)
hard=$(ulimit -Hn)
if [[ "$soft" != unlimited && "$soft" -lt "$wanted_files" ]]; then
  if [[ "$hard" == unlimited || "$hard" -ge "$wanted_files" ]]; then
    ulimit -n "$wanted_files"
  else
    ulimit -n "$hard"
    echo "benchmark.sh: open-files hard limit is $hard (< $wanted_files); figure 3 at 10,000 clients may fail" >&2
  fi
fi

./mvnw -q -pl benchmarks -am package -DskipTests

classpath="benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)"
exec java -Xmx256m -cp "$classpath" io.fedlink.benchmarks.BenchmarkMain "$@"
