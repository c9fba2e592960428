#!/usr/bin/env bash
# Entry point: finds a JDK >= 25, installs the Debian packages the project needs (as root),
# builds once (again only when sources change), and runs a subcommand.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CALLER_PWD="$PWD"
cd "$HERE"

die() { echo "run-bench.sh: $*" >&2; exit 2; }

usage() {
  cat <<'USAGE'
usage: ./run-bench.sh [COMMAND] [OPTIONS]

commands:
  test                 build and run the whole test suite (needs root, /dev/fuse)
  daemon [OPTIONS]     run the Java FUSE daemon in the foreground (./run-bench.sh daemon --help)
  run [OPTIONS]        boot a guest on a virtio-fs daemon and run fio workloads (./run-bench.sh run --help)
  matrix [OPTIONS]     the comparison matrix, then its report (./run-bench.sh matrix --help)
  load [OPTIONS]       the daemons without a guest: the same READ/WRITE stream through vhost-user,
                       throughput and daemon CPU per request (./run-bench.sh load --help)
  report DIR           rebuild the report of a results directory
  compare DIR_A DIR_B  compare two result sets
  merge DIR... --out DIR
                       combine the shards of one plan (matrix --shard K/N on several hosts)
  jmh [REGEX] [OPTS]   JMH microbenchmarks of the daemon's hot paths (JSON + text in results/jmh-*)
  fuzz [TARGET] [SECONDS]
                       coverage-guided fuzzing (Jazzer) of fuseRequest, vhostMessages or
                       virtqueue (default: all three, 300 s each); corpus and findings in results/fuzz/
  build                build only
  (none) [--quick]     the main job: baseline vs max-pages, the seed's four workloads, the Java
                       daemon in a virtio-fs guest, interleaved boots until the CIs are narrow
                       enough (--iterations auto); prints the report's path
USAGE
}

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do [ -x "$d/bin/javac" ] && candidates+=("$d"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/javac" ] || continue
    local v; v="$(java_major "$c")"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}

# Debian packages: command -> package. Installed only when missing.
ensure_packages() {
  local missing=()
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v fio >/dev/null 2>&1 || missing+=(fio)
  command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v fallocate >/dev/null 2>&1 || missing+=(util-linux)
  command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
  command -v zstd >/dev/null 2>&1 || missing+=(zstd)
  command -v cpio >/dev/null 2>&1 || missing+=(cpio)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root: install them or run as root"
  echo "run-bench.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
  # one installer at a time, even when several run-bench.sh start together
  (
    flock -w 900 9 || die "waited too long for another run-bench.sh to finish installing"
    if ! "${apt[@]}" install "${missing[@]}" >/tmp/run-bench-apt.log 2>&1; then
      "${apt[@]}" update >>/tmp/run-bench-apt.log 2>&1 || true
      "${apt[@]}" install "${missing[@]}" >>/tmp/run-bench-apt.log 2>&1 \
        || die "apt-get install ${missing[*]} failed (see /tmp/run-bench-apt.log)"
    fi
  ) 9>/tmp/run-bench-install.lock
}

STAMP="$HERE/app/target/.build-stamp"
build() {
  if [ -f "$STAMP" ] && [ -z "$(find "$HERE/pom.xml" "$HERE"/*/pom.xml "$HERE"/*/src -newer "$STAMP" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  (
    flock -w 900 9 || die "waited too long for another build"
    echo "run-bench.sh: building" >&2
    mvn -q -B -DskipTests package >/tmp/run-bench-build.log 2>&1 || { tail -40 /tmp/run-bench-build.log >&2; die "build failed (log: /tmp/run-bench-build.log)"; }
    touch "$STAMP"
  ) 9>"$HERE/.build.lock"
}

JDK="$(find_jdk)" || die "no JDK 25 or newer found (set JAVA_HOME, or install one under /usr/lib/jvm)"
export JAVA_HOME="$JDK"
export PATH="$JAVA_HOME/bin:$PATH"

run_java() {
  local main="$1"; shift
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
    -Djava.awt.headless=true -cp "$HERE/app/target/fusebench.jar:$HERE/app/target/lib/*" "$main" "$@"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  -h|--help|help) usage ;;
  test)
    ensure_packages
    [ "$(id -u)" -eq 0 ] || die "the tests mount file systems: run them as root"
    umask 022 # the tests tell the daemon's modes from the process's umask: make it the usual one
    exec mvn -B test "$@"
    ;;
  build)
    ensure_packages
    build
    ;;
  daemon)
    ensure_packages
    build
    cd "$CALLER_PWD" # the daemon's paths are the caller's
    run_java dev.fusebench.cli.DaemonMain "$@"
    ;;
  run|matrix|load)
    ensure_packages
    [ "$(id -u)" -eq 0 ] || die "guests and daemons need root (vhost-user sockets, /dev/kvm, the image cache)"
    build
    run_java dev.fusebench.app.Main "$cmd" "$@"
    ;;
  jmh)
    build
    out="$HERE/results/jmh-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$out"
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$HERE/jmh/target/jmh.jar:$HERE/jmh/target/lib/*" \
      org.openjdk.jmh.Main "$@" -rf json -rff "$out/jmh.json" | tee "$out/jmh.txt"
    status=${PIPESTATUS[0]}
    echo "run-bench.sh: JMH results in $out/jmh.json, summary in $out/jmh.txt" >&2
    exit "$status"
    ;;
  fuzz)
    [ "$(id -u)" -eq 0 ] || die "the FUSE target mounts a tmpfs: run as root"
    ensure_packages
    targets=(fuseRequest vhostMessages virtqueue)
    if [ $# -gt 0 ] && [[ ! "$1" =~ ^[0-9]+$ ]]; then
      case "$1" in fuseRequest|vhostMessages|virtqueue) targets=("$1") ;; *) die "unknown fuzz target '$1' (fuseRequest, vhostMessages, virtqueue)" ;; esac
      shift
    fi
    secs="${1:-300}"
    [[ "$secs" =~ ^[0-9]+$ ]] || die "fuzz wants SECONDS as a number, got '$secs'"
    cp_file="$HERE/daemon/target/fuzz.classpath"
    mvn -q -B -pl daemon test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/tmp/run-bench-fuzz-build.log 2>&1 \
      || { tail -30 /tmp/run-bench-fuzz-build.log >&2; die "building the fuzz targets failed"; }
    cp="$HERE/daemon/target/test-classes:$HERE/daemon/target/classes:$(cat "$cp_file")"
    status=0
    for t in "${targets[@]}"; do
      case "$t" in fuseRequest) cls=FuseRequest ;; vhostMessages) cls=VhostMessages ;; virtqueue) cls=Virtqueue ;; esac
      out="$HERE/results/fuzz/$t"
      corpus="$out/corpus"
      seeds="$HERE/daemon/src/test/resources/dev/fusebench/fuzz/FuzzTargetsTestInputs/$t"
      mkdir -p "$corpus" "$out/findings"
      echo "run-bench.sh: fuzzing $t for $secs s (corpus $corpus, findings $out/findings)" >&2
      rc=0
      tmp="$out/tmp"
      mkdir -p "$tmp"
      ( cd "$out/findings" && exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading \
          -Djava.io.tmpdir="$tmp" -cp "$cp" \
          com.code_intelligence.jazzer.Jazzer --target_class="dev.fusebench.fuzz.Fuzzers\$$cls" \
          --instrumentation_includes='dev.fusebench.**' \
          -max_total_time="$secs" -timeout=20 -print_final_stats=1 -rss_limit_mb=4096 "$corpus" "$seeds" ) >"$out/fuzz.log" 2>&1 || rc=$?
      # what a run that ended abruptly left: the FUSE target's tmpfs, its directories
      awk -v t="$tmp/" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
      rm -rf "$tmp"
      grep -E 'stat::number_of_executed_units|Done [0-9]+ runs|== Java Exception|Test unit written' "$out/fuzz.log" >&2 || true
      if [ "$rc" -ne 0 ]; then
        status=1
        echo "run-bench.sh: $t found a failure (exit $rc): see $out/fuzz.log; add the input in $out/findings to $seeds to keep it as a regression test" >&2
      fi
    done
    exit "$status"
    ;;
  report|compare|merge)
    build
    run_java dev.fusebench.app.Main "$cmd" "$@"
    ;;
  ""|-*)
    # the main job: the seed's comparison; options (e.g. --quick, --iterations) go to the matrix
    ensure_packages
    [ "$(id -u)" -eq 0 ] || die "guests need root (vhost-user sockets, /dev/kvm, the image cache)"
    build
    [ -n "$cmd" ] && set -- "$cmd" "$@"
    run_java dev.fusebench.app.Main matrix "$@"
    ;;
  *)
    die "unknown command '$cmd' (see ./run-bench.sh --help)"
    ;;
esac
