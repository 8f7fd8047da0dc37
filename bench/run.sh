#!/usr/bin/env bash
# Benchmarks of the fly-registry SDK against its peers (jib-core, skopeo, hey) on a real registry on 127.0.0.1.
# Installs what is missing, builds the project, runs every measurement and writes docs/BENCHMARKS.md.
#
#   bench/run.sh              full run: 3 interleaved rounds (about 50 minutes on 2 cores)
#   bench/run.sh --quick      one round, smaller warm-up and samples (under 3 minutes)
#
# Other options: --no-build (use the jars of a previous build), --no-install, --out FILE,
# and any option of dev.flyregistry.benchmarks.BenchMain (--rounds N, --refs N, --skopeo-sample N,
# --warmup N, --warmup-passes N, --block-runs N, --push-mib 64,512, --skip exists,push,copy,graphql,cold,hey,kid,bare,skopeo,wire,noauth,token,
# --sdk-concurrency 1,4,16,64, --jib-concurrency 1,4,16, --hey-concurrency 16,64, --flyreg COMMAND, --flyreg-plain COMMAND, --banner TEXT). Skipping parts leaves
# targets without figures; use it to iterate, not to publish.
# Environment: MAVEN_ARGS_EXTRA adds arguments to the Maven runs (for example -o); BENCH_WORKER_JVM_ARGS adds
# flags to every worker JVM (for example -XX:StartFlightRecording=filename=/tmp/w-{id}.jfr to profile a client; {id} is the worker number and task).
#
# The harness starts and stops everything itself: two docker-registry processes (no auth, token mode), the
# Java TokenIssuer and FlyEmulator inside the harness JVM, one JVM per client run. Nothing listens beyond
# 127.0.0.1 and every load loop is bounded.
set -euo pipefail

CALLER_DIR=$(pwd)
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUILD=true
INSTALL=true
OUT="$ROOT/docs/BENCHMARKS.md"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=false ;;
    --no-install) INSTALL=false ;;
    --out) OUT=$(cd "$CALLER_DIR" && realpath -m "$2"); shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done

log() { printf '\n==> %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------- packages
PACKAGES=(docker-registry skopeo hey apache2-utils openssl)
OPTIONAL=(hyperfine tcpdump)

missing() {
  local p
  for p in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
      printf '%s\n' "$p"
    fi
  done
}

if [ "$INSTALL" = true ] && command -v dpkg-query > /dev/null && command -v apt-get > /dev/null; then
  need=$(missing "${PACKAGES[@]}")
  want=$(missing "${OPTIONAL[@]}")
  if [ -n "$need$want" ]; then
    sudo=()
    if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
    log "installing: $(echo "$need $want" | tr '\n' ' ')"
    "${sudo[@]}" apt-get update -qq
    if [ -n "$need" ]; then
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $need > /dev/null
    fi
    for p in $want; do
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$p" > /dev/null 2>&1 \
        || echo "optional package $p not installed" >&2
    done
  fi
fi
for tool in docker-registry skopeo hey java mvn; do
  command -v "$tool" > /dev/null || { echo "missing: $tool (install it, or run without --no-install)" >&2; exit 1; }
done

# ---------------------------------------------------------------------------------------------- build
# shellcheck disable=SC2206
MVN=(mvn -q -B ${MAVEN_ARGS_EXTRA:-})
if [ "$BUILD" = true ]; then
  log "building (mvn -q -B -DskipTests install)"
  # Javadoc, sources, formatting and coverage do not change the code measured: skipped for speed.
  "${MVN[@]}" -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dspotless.check.skip=true \
    -Djacoco.skip=true install
fi
CP_FILE="$ROOT/fly-registry-benchmarks/target/bench-classpath.txt"
"${MVN[@]}" -pl fly-registry-benchmarks dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$CP_FILE" > /dev/null

# Run from a private copy of the classpath: the project's own modules from this tree's target/ directories
# (not whatever another build installed in the local Maven repository since), and every jar copied, so a
# concurrent `mvn install` cannot change a class under the running benchmark.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fly-registry-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lib"
cp -r "$ROOT/fly-registry-benchmarks/target/classes" "$WORK/classes"
CP="$WORK/classes"
IFS=: read -r -a ENTRIES < "$CP_FILE" || true  # no newline at the end: read answers 1
for entry in "${ENTRIES[@]}"; do
  file=$(basename "$entry")
  case "$entry" in
    */dev/flyregistry/*)
      artifact=$(basename "$(dirname "$(dirname "$entry")")")
      if [ -f "$ROOT/$artifact/target/$file" ]; then entry="$ROOT/$artifact/target/$file"; fi
      ;;
  esac
  cp "$entry" "$WORK/lib/$file"
  CP="$CP:$WORK/lib/$file"
done

# The flyreg CLI for the cold-start measurement: the repository's ./flyreg launcher (class-data-sharing archive, C1
# for short commands) with the examples module's runnable jar, copied into the work directory so that the run does
# not depend on the checkout; and the same jar as a plain `java -jar`, measured beside it.
if ! printf '%s\n' "${ARGS[@]+"${ARGS[@]}"}" | grep -qx -- --flyreg; then
  if [ -f "$ROOT/fly-registry-examples/target/flyreg.jar" ]; then
    rm -rf "$WORK/cli"
    mkdir -p "$WORK/cli/fly-registry-examples/target"
    cp "$ROOT/flyreg" "$WORK/cli/flyreg"
    cp "$ROOT/fly-registry-examples/target/flyreg.jar" "$WORK/cli/fly-registry-examples/target/flyreg.jar"
    ARGS+=(--flyreg "$WORK/cli/flyreg" --flyreg-plain "java -jar $WORK/cli/fly-registry-examples/target/flyreg.jar")
  fi
fi

# ---------------------------------------------------------------------------------------------- run
log "running the benchmarks (${ARGS[*]+"${ARGS[*]}"})"
java -Xmx2g -cp "$CP" dev.flyregistry.benchmarks.BenchMain --work "$WORK" --out "$OUT" "${ARGS[@]+"${ARGS[@]}"}"
log "wrote $OUT"
