# shellcheck shell=bash disable=SC2154
# Sourced by deploy/bin/start, deploy/bin/fleet and deploy/bin/token, not run: the gateway's shaded jar, built
# when it is missing or older than the sources. Expects $root (the checkout; SC2154: set by the script that
# sources this); sets crier_jar
# and defines crier_build_jar.
crier_jar="$root/gateway/target/crier-gateway.jar"

# True when the jar is missing or a file of the modules it holds is newer.
crier_jar_stale() {
  [ ! -f "$crier_jar" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root/protocol" "$root/cluster" "$root/gateway" \
      -path '*/target' -prune -o -path '*/node_modules' -prune -o -type f -newer "$crier_jar" -print -quit)" ]
}

# Builds the jar when it is stale, quietly (Maven's errors only). -B and style.color=never keep Maven's colours
# off; jansi.noreset stops Maven 3.8's console library from writing ESC[0m resets to the terminal even with -q -B
# (it reads system properties before Maven parses its command line, hence MAVEN_OPTS).
crier_build_jar() {
  crier_jar_stale || return 0
  if ! command -v mvn >/dev/null 2>&1; then
    echo "The gateway needs building, and Maven (mvn) is not installed." >&2
    return 1
  fi
  echo "Building the gateway (mvn package, tests skipped) ..." >&2
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" \
    mvn -B -q -Dstyle.color=never -DskipTests -pl gateway -am package)
}
