#!/usr/bin/env bash
# migfmt against QEMU's own analyzer, and migfmt's throughput on a large real QEMU stream (docs/performance.md,
# "The tool"). Everything it needs beyond the repository is made or fetched here, into $BENCH_CACHE, never into git:
#   - the NativeAOT migfmt (dotnet publish -p:PublishAot=true; clang and zlib1g-dev are installed when missing),
#   - scripts/analyze-migration.py from Debian's source package of the installed QEMU (apt-get source; deb-src is
#     enabled when missing), unless ANALYZER names a copy,
#   - a QEMU 7.2 stream of a guest with 2 GiB of random (non-zero) RAM: qemu-system-x86_64 -m 2304 -S with two 1 GiB
#     random files loaded at 1 MiB and 1 GiB + 1 MiB (-device loader,force-raw=on), migrated to "exec:cat > FILE".
# Usage: bench/tool/run.sh [startup|analyzer|throughput|all]   (default all; apt-get needs root)
# Environment: BENCH_CACHE (default /var/tmp/migfmt-bench), RUNS (timed runs per command, default 20),
#              ANALYZER (an analyze-migration.py to use instead of fetching one).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
CACHE=${BENCH_CACHE:-/var/tmp/migfmt-bench}
RUNS=${RUNS:-20}
WHAT=${1:-all}
mkdir -p "$CACHE"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}: install them or run as root"
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Median wall time in milliseconds of RUNS runs of a command (output discarded), after one untimed warm-up run.
median_ms() {
  "$@" >/dev/null 2>&1 || true
  local times=() start end
  for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}

build_tools() {
  JIT="$REPO/src/Tool/bin/Release/net10.0/migfmt"
  AOT="$CACHE/aot/migfmt"
  log "building migfmt (JIT) and publishing it with NativeAOT"
  dotnet build "$REPO/src/Tool" -c Release -v q -nologo >/dev/null
  apt_install clang zlib1g-dev
  dotnet publish "$REPO/src/Tool" -c Release -r linux-x64 -p:PublishAot=true -o "$CACHE/aot" -v q -nologo >/dev/null
  [ -x "$AOT" ] || die "the NativeAOT publish made no $AOT"
}

find_analyzer() {
  if [ -n "${ANALYZER:-}" ]; then [ -f "$ANALYZER" ] || die "ANALYZER=$ANALYZER does not exist"; return; fi
  local version src
  version=$(dpkg-query -W -f='${source:Version}' qemu-system-x86) || die "qemu-system-x86 is not installed"
  src="$CACHE/qemu-source-$version"
  ANALYZER=$(find "$src" -path '*/scripts/analyze-migration.py' -not -path '*/.pc/*' 2>/dev/null | head -n 1 || true)
  if [ -z "$ANALYZER" ]; then
    log "fetching analyze-migration.py: apt-get source qemu=$version"
    apt_install dpkg-dev
    if ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      [ "$(id -u)" -eq 0 ] || die "deb-src is not enabled; enable it or run as root"
      sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
      apt-get update -qq
    fi
    mkdir -p "$src"
    (cd "$src" && apt-get source -qq "qemu=$version" >/dev/null)
    ANALYZER=$(find "$src" -path '*/scripts/analyze-migration.py' -not -path '*/.pc/*' | head -n 1)
  fi
  [ -n "$ANALYZER" ] || die "no analyze-migration.py in the qemu source"
}

startup() {
  log "start-up: migfmt --version, $RUNS runs each"
  echo "start-up (migfmt --version), median of $RUNS runs:"
  echo "  NativeAOT: $(median_ms "$AOT" --version) ms"
  echo "  JIT (.NET tool / apphost): $(median_ms "$JIT" --version) ms"
}

against_analyzer() {
  find_analyzer
  log "analyzer: $ANALYZER"
  echo "dump --json against analyze-migration.py --dump state (start-up included), median of $RUNS runs:"
  for name in pc-devices pc-serial q35-basic; do
    local mig="$REPO/test/fixtures/qemu/$name.mig"
    # The same document both ways: the comparison is of equal work.
    python3 - "$ANALYZER" "$AOT" "$mig" <<'PY' || die "migfmt and the analyzer disagree on $name.mig"
import json, subprocess, sys
analyzer, tool, mig = sys.argv[1:]
theirs = json.loads(subprocess.run(["python3", analyzer, "-f", mig, "--dump", "state"], check=True, capture_output=True).stdout)
ours = json.loads(subprocess.run([tool, "dump", "--json", mig], check=True, capture_output=True).stdout)
sys.exit(0 if theirs == ours else 1)
PY
    local py aot jit
    py=$(median_ms python3 "$ANALYZER" -f "$mig" --dump state)
    aot=$(median_ms "$AOT" dump --json "$mig")
    jit=$(median_ms "$JIT" dump --json "$mig")
    echo "  $name.mig ($(stat -c %s "$mig") bytes): analyzer $py ms, migfmt AOT $aot ms ($(awk -v a="$py" -v b="$aot" 'BEGIN{printf "%.1f", a/b}')x)," \
      "migfmt JIT $jit ms ($(awk -v a="$py" -v b="$jit" 'BEGIN{printf "%.1f", a/b}')x)"
  done
}

make_big_stream() {
  BIG="$CACHE/ram-2g.mig"
  [ -s "$BIG" ] && [ "$(head -c 4 "$BIG" | od -An -tx1 | tr -d ' ')" = "5145564d" ] && return
  command -v qemu-system-x86_64 >/dev/null || apt_install qemu-system-x86
  # Two 1 GiB files: QEMU's loader reads a file in one read(2), which Linux caps just under 2 GiB.
  local sock="$CACHE/qmp.sock" fills=("$CACHE/fill-1g-a.bin" "$CACHE/fill-1g-b.bin")
  for fill in "${fills[@]}"; do
    if [ "$(stat -c %s "$fill" 2>/dev/null || echo 0)" -ne $((1 << 30)) ]; then
      log "making $fill (1 GiB from /dev/urandom)"
      head -c $((1 << 30)) /dev/urandom >"$fill"
    fi
  done
  log "migrating a 2304 MiB guest holding ${fills[*]} at 1 MiB and 1 GiB + 1 MiB to $BIG"
  rm -f "$sock" "$BIG"
  qemu-system-x86_64 -nodefaults -nographic -display none -accel tcg -m 2304 -S \
    -device "loader,file=${fills[0]},addr=0x100000,force-raw=on" \
    -device "loader,file=${fills[1]},addr=0x40100000,force-raw=on" \
    -qmp "unix:$sock,server=on,wait=off" </dev/null >"$CACHE/qemu.log" 2>&1 &
  local qemu=$!
  python3 - "$sock" "$BIG" <<'PY' || { kill "$qemu" 2>/dev/null; die "the migration failed (see $CACHE/qemu.log)"; }
import json, os, socket, sys, time
path, out = sys.argv[1:]
for _ in range(300):
    if os.path.exists(path):
        break
    time.sleep(0.1)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
f = s.makefile("rw")
json.loads(f.readline())  # greeting
def cmd(name, **args):
    f.write(json.dumps({"execute": name, "arguments": args}) + "\n"); f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply: return reply["return"]
        if "error" in reply: sys.exit(f"{name}: {reply['error']}")
cmd("qmp_capabilities")
cmd("migrate-set-parameters", **{"max-bandwidth": 1 << 40})
cmd("migrate", uri=f"exec:cat > '{out}'")
while (status := cmd("query-migrate").get("status")) not in ("completed", "failed", "cancelled"):
    time.sleep(0.2)
cmd("quit")
sys.exit(0 if status == "completed" else f"migration {status}")
PY
  wait "$qemu" || true
  [ -s "$BIG" ] || die "no stream in $BIG"
}

# Wall seconds, throughput (input bytes / wall) and peak RSS of one command whose output goes to /dev/null.
measure() {
  local label=$1 input=$2; shift 2
  local report rc=0
  report=$(mktemp)
  /usr/bin/time -v -o "$report" "$@" >/dev/null 2>"$report.err" || rc=$?
  local wall rss size
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$report")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")
  size=$(stat -c %s "$input")
  printf '  %-28s exit %d, %6.2f s, %6.2f GB/s, peak RSS %6.1f MiB\n' "$label" "$rc" "$wall" \
    "$(awk -v b="$size" -v s="$wall" 'BEGIN{print b / s / 1e9}')" "$(awk -v k="$rss" 'BEGIN{print k / 1024}')"
  [ "$rc" -eq 0 ] || sed 's/^/    /' "$report.err" | head -n 5
  rm -f "$report" "$report.err"
}

throughput() {
  make_big_stream
  local ber="$CACHE/ram-2g.ber"
  log "converting $BIG to BER once (the input of convert --to legacy)"
  "$AOT" convert --to ber "$BIG" "$ber" || die "convert --to ber failed"
  "$AOT" convert --to legacy "$ber" - | cmp - "$BIG" || die "convert --to legacy did not give back the QEMU stream byte for byte"
  cat "$BIG" "$ber" >/dev/null  # both in the page cache before the timed runs
  echo "throughput on $(basename "$BIG") ($(stat -c %s "$BIG") bytes; BER $(stat -c %s "$ber") bytes), NativeAOT migfmt, one run each:"
  measure "dump" "$BIG" "$AOT" dump "$BIG"
  measure "dump --json" "$BIG" "$AOT" dump --json "$BIG"
  measure "dump (of the BER stream)" "$ber" "$AOT" dump "$ber"
  measure "convert --to ber" "$BIG" "$AOT" convert --to ber "$BIG" -
  measure "convert --to legacy" "$ber" "$AOT" convert --to legacy "$ber" -
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
build_tools
case "$WHAT" in
  startup) startup ;;
  analyzer) against_analyzer ;;
  throughput) throughput ;;
  all) startup; against_analyzer; throughput ;;
  *) die "unknown part '$WHAT' (startup, analyzer, throughput or all)" ;;
esac
