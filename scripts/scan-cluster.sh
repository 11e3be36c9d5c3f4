#!/usr/bin/env bash
# scan-cluster.sh: a Spark standalone cluster on loopback (one master, N workers) from the project's own jars, for
# running `memscope scan --master spark://127.0.0.1:PORT` the way it runs on a real cluster (docs/scan.md).
#
#   scripts/scan-cluster.sh start [--workers 2] [--cores 1] [--memory 3g] [--port 7077]
#   scripts/scan-cluster.sh stop
#   scripts/scan-cluster.sh status
#
# Nothing is downloaded or installed: SPARK_HOME is scan/target/spark-home, whose jars/ links the scan module's
# class path (scan/target/classpath.txt, the jars of the local Maven repository) and the scan jar; the workers'
# executors start from it. Logs, work folders and pid files live in scan/target/spark-cluster/. `stop` ends only the
# processes this script started (by their pid files).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/scan/target/spark-cluster"
HOME_DIR="$ROOT/scan/target/spark-home"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/java}"
JAVA="${JAVA:-java}"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-1}"; }
(( $# >= 1 )) || usage 1
cmd="$1"; shift

stop() {
  local f pid
  for f in "$STATE"/*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" && echo "scan-cluster: stopped $(basename "$f" .pid) (pid $pid)" >&2
    fi
    rm -f "$f"
  done
}

case "$cmd" in
  stop) stop; exit 0 ;;
  status)
    for f in "$STATE"/*.pid; do
      [[ -f "$f" ]] || { echo "scan-cluster: not running" >&2; exit 1; }
      pid="$(cat "$f")"
      kill -0 "$pid" 2>/dev/null && echo "$(basename "$f" .pid): pid $pid" || echo "$(basename "$f" .pid): gone"
    done
    exit 0 ;;
  start) ;;
  *) usage 1 ;;
esac

workers=2 cores=1 memory=3g port=7077
while (( $# )); do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "scan-cluster: unknown option $1" >&2; usage 1 ;;
  esac
done
ls "$STATE"/*.pid >/dev/null 2>&1 && { echo "scan-cluster: already running (scripts/scan-cluster.sh stop)" >&2; exit 2; }

# the scan module's jar and class path, built when stale (the launcher does that; --help runs nothing else)
"$ROOT/scripts/memscope" scan --help >/dev/null
CP="$ROOT/scan/target/memscope-scan.jar:$(cat "$ROOT/scan/target/classpath.txt")"
rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR/jars" "$STATE"
IFS=':' read -r -a jars <<<"$CP"
for j in "${jars[@]}"; do ln -sf "$j" "$HOME_DIR/jars/$(basename "$j")"; done
read -r -a FLAGS <<<"$(grep -m1 '<scan.jvm.flags>' "$ROOT/scan/pom.xml" | sed 's:.*<scan.jvm.flags>\(.*\)</scan.jvm.flags>.*:\1:')"

export SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
launch() {   # name, class, args...
  local name="$1" cls="$2"; shift 2
  nohup "$JAVA" "${FLAGS[@]}" -Xmx512m -Dmemscope.scan.log="$STATE/$name.log" -cp "$CP" "$cls" "$@" \
    >"$STATE/$name.out" 2>&1 &
  echo $! >"$STATE/$name.pid"
}
launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
for i in $(seq 1 "$workers"); do
  mkdir -p "$STATE/work-$i"
  launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --webui-port 0 --work-dir "$STATE/work-$i" "spark://127.0.0.1:$port"
done
for _ in $(seq 1 120); do
  n=0
  for i in $(seq 1 "$workers"); do
    grep -q "Successfully registered with master" "$STATE/worker-$i.log" 2>/dev/null && n=$((n + 1))
  done
  if (( n == workers )); then
    echo "scan-cluster: master spark://127.0.0.1:$port with $workers worker(s) x $cores core(s), $memory each" >&2
    echo "  scripts/memscope scan --master spark://127.0.0.1:$port --conf spark.driver.host=127.0.0.1 \\" >&2
    echo "    --conf spark.driver.bindAddress=127.0.0.1 --conf spark.executor.cores=$cores ..." >&2
    echo "spark://127.0.0.1:$port"
    exit 0
  fi
  sleep 1
done
echo "scan-cluster: workers did not register within 120 s; logs in $STATE" >&2
stop
exit 2
