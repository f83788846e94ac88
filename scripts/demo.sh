#!/usr/bin/env bash
# The README's main job: builds the samples if needed, then runs a fedlink coordinator and CLIENTS clients as
# separate JVMs over TCP on 127.0.0.1. They train a logistic-regression model with FedAvg for ROUNDS rounds;
# the coordinator prints one line per round and a summary, tells the clients to shut down, and everything exits.
#   ROUNDS=8 CLIENTS=4 ./scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
CLIENTS=${CLIENTS:-3}
SERVER_JAR=sample-server/target/sample-server-0.1.0-SNAPSHOT.jar
CLIENT_JAR=sample-client/target/sample-client-0.1.0-SNAPSHOT.jar

stale() {
  [ ! -f "$1" ] || [ -n "$(find pom.xml proto fedlink-core/src fedlink-spring-boot-autoconfigure/src fedlink-spring-boot-starter \
    sample-server/src sample-client/src sample-*/pom.xml -newer "$1" -type f -print -quit)" ]
}
if stale "$SERVER_JAR" || stale "$CLIENT_JAR"; then
  echo "Building the samples (./mvnw package)..."
  ./mvnw -q -B -ntp -DskipTests package -pl sample-server,sample-client -am
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

java -jar "$SERVER_JAR" --grpc.server.port=0 --server.port=0 --sample.port-file="$work/port" \
  --fedlink.server.training.exit-when-done=true --fedlink.server.quorum.min-clients="$CLIENTS" \
  --fedlink.server.training.rounds="$ROUNDS" --fedlink.server.training.checkpoint-directory="$work/checkpoints" \
  > "$work/server.log" 2>&1 &
server=$!
pids+=("$server")

for _ in $(seq 1 600); do
  [ -s "$work/port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "The coordinator did not start." >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/port" ] || { echo "The coordinator did not report its port within 60 s." >&2; exit 1; }
port=$(cat "$work/port")
echo "Coordinator listening on 127.0.0.1:$port; starting $CLIENTS clients (logs in $work)"

for i in $(seq 0 $((CLIENTS - 1))); do
  java -jar "$CLIENT_JAR" --grpc.client.fedlink.address="static://127.0.0.1:$port" \
    --sample.client-index="$i" --sample.num-clients="$CLIENTS" > "$work/client-$i.log" 2>&1 &
  pids+=("$!")
done

# Follow the coordinator's progress until it exits (bounded: 5 minutes).
timeout 300 tail -n +1 -f --pid="$server" "$work/server.log" \
  | grep --line-buffered -E "round [0-9]+/[0-9]+:|Training finished|Dashboard|waiting for quorum" \
  | sed -u -E 's/^.* : //' || true
if kill -0 "$server" 2>/dev/null; then
  echo "The coordinator did not finish within 5 minutes; see $work/server.log" >&2
  exit 1
fi
wait "$server"
status=$?
for pid in "${pids[@]:1}"; do
  timeout 30 tail --pid="$pid" -f /dev/null || true
done
exit $status
