# shellcheck shell=bash
# Functions the load-test scripts share (sourced by loadtest/bin/bench, bench-redis, run and jmh). The script that
# sources this sets ROOT, JAR and CPFILE (and CP_SCOPE when the classpath needs test classes) first, and SAY_AS to
# tag its lines. Every process it starts goes into PIDS, and cleanup (the EXIT trap set here) stops each by its PID,
# also on Ctrl-C.

PIDS=()

say() { printf '[%s] %s\n' "${SAY_AS:-bench}" "$*"; }

stop_pid() { # stop one process we started: SIGTERM, then SIGKILL after 20 s
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "pid $pid ignored SIGTERM for 20 s: SIGKILL"; kill -9 "$pid" 2>/dev/null || true
}
cleanup() { local pid; for pid in "${PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

build() { # [path ...] -> mvn package (tests skipped) when $JAR, $CPFILE or a path given is missing, or a source is newer
  local path missing=0
  for path in "$JAR" "$CPFILE" "$@"; do [[ -e $path ]] || missing=1; done
  if ((!missing)) && [[ -z $(find "$ROOT"/{protocol,cluster,gateway,loadtest}/src "$ROOT"/*/pom.xml "$ROOT/pom.xml" \
        -newer "$CPFILE" -type f -print -quit) ]]; then return; fi
  say "building (mvn package, tests skipped)"
  # shellcheck disable=SC2086 # MVN_OPTS_EXTRA holds several options
  (cd "$ROOT" && mvn -B -q ${MVN_OPTS_EXTRA:-} -pl loadtest -am package dependency:build-classpath -DskipTests \
      -Dmdep.outputFile="target/$(basename "$CPFILE")" -DincludeScope="${CP_SCOPE:-runtime}")
  touch "$CPFILE" # the plugin leaves an unchanged file alone: mark this build as the latest
}

free_port() { # -> a port nothing listens on now (another process may still take it before we bind it)
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  say "no free port found" >&2; return 1
}

wait_for_line() { # file regex timeout-seconds pid -> prints the first matching line
  local file=$1 regex=$2 timeout=$3 pid=$4
  for _ in $(seq 1 $((timeout * 10))); do
    if grep -Eo "$regex" "$file" 2>/dev/null | head -1 | grep .; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { say "process $pid died; see $file"; tail -20 "$file"; return 1; }
    sleep 0.1
  done
  say "no '$regex' in $file within ${timeout}s"; return 1
}

start_redis() { # dir [redis-server options...] -> REDIS_PORT, REDIS_PID (also in PIDS); no persistence, log in dir
  local dir=$1 attempt port pid; shift
  mkdir -p "$dir"
  for attempt in 1 2 3; do # a port taken between free_port and the bind: another one
    port=$(free_port)
    (cd "$dir" && exec redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$dir" --logfile "$dir/redis.log" "$@") &
    pid=$!; PIDS+=("$pid")
    for _ in $(seq 1 100); do
      if redis-cli -p "$port" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$pid"; then # ours, not a squatter
        REDIS_PORT=$port; REDIS_PID=$pid; return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$pid"
    say "redis-server on port $port did not start (attempt $attempt); see $dir/redis.log"
  done
  return 1
}

gateway_properties() { # file -> the limits every bench node runs with, then GATEWAY_PROPERTIES if set
  # Limits raised so that one node may hold every connection this machine's fd limit allows (20,000 per process);
  # the drain is instant so that SIGTERM stops it at once (and dumps the JFR recording).
  cat > "$1" <<PROPERTIES
limits.maxConnections=19900
limits.maxConnectionsPerIp=19900
limits.maxConnectionsPerUser=100
drain.window=0s
drain.readinessDelay=0s
PROPERTIES
  if [[ ${#GATEWAY_PROPERTIES[@]} -gt 0 ]]; then printf '%s\n' "${GATEWAY_PROPERTIES[@]}" >> "$1"; fi
}

await_ready() { # port pid log -> waits until the node's /readyz answers 200 (30 s at most)
  local port=$1 pid=$2 log=$3
  for _ in $(seq 1 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz") == 200 ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  say "gateway not ready; see $log"; tail -20 "$log"; return 1
}

new_secret() { head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 48; } # a random HS256 secret, 48 characters
