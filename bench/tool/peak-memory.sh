#!/usr/bin/env bash
# Peak memory of every migfmt verb that reads a stream, on the growing-input benchmarks' inputs at one size (default
# 64 MiB): every hostile class of docs/security.md and the valid streams, made by the benchmark project's
# `growing-inputs` mode (test/Shared/HostileInputs.cs), never committed. Each run is the built migfmt (JIT) as its own
# process, as test/Resources.Tests runs it: output to /dev/null, the GC heap capped at the budget under test
# (DOTNET_GCHeapHardLimit = 64 MiB + 4 x the input) with a fixed 4 MiB young generation (DOTNET_GCgen0size), and its
# peak resident set read by /usr/bin/time -v. A run passes when it ends with exit 0 or 1 (never a crash or running
# out of memory, exit 134) and its peak RSS is within the cap. Prints a Markdown table; exits 1 if any run failed.
# Usage: bench/tool/peak-memory.sh [MiB]   Environment: BENCH_CACHE (default /var/tmp/migfmt-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
SIZE=${1:-64}
CACHE=${BENCH_CACHE:-/var/tmp/migfmt-bench}
INPUTS="$CACHE/growing-$SIZE"
TOOL="$REPO/src/Tool/bin/Release/net10.0/migfmt.dll"
BENCH="$REPO/bench/MigrationFormat.Benchmarks/bin/Release/net10.0/MigrationFormat.Benchmarks.dll"

log() { printf '== %s\n' "$*" >&2; }

command -v /usr/bin/time >/dev/null || { echo "peak-memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
log "building migfmt and the benchmarks"
dotnet build "$REPO/src/Tool" -c Release -v q -nologo >/dev/null
dotnet build "$REPO/bench/MigrationFormat.Benchmarks" -c Release -v q -nologo >/dev/null
log "writing the inputs at $SIZE MiB to $INPUTS"
dotnet "$BENCH" growing-inputs "$INPUTS" "$SIZE" >/dev/null

BER_VERBS=("dump" "dump --json" "dump --schemas" "decode" "verify" "diff" "load" "convert --to legacy")
QEMU_VERBS=("dump" "dump --json" "decode" "verify" "diff" "load" "convert --to ber")

failures=0
run() {
  local input=$1 verb=$2 file=$3 args
  case "$verb" in
    diff | check) args=("$verb" "$file" "$file") ;;
    load) args=(load --device serial --version 3 "$file") ;;
    convert*) read -ra args <<<"$verb"; args+=("$file" "$file.out") ;;
    *) read -ra args <<<"$verb"; args+=("$file") ;;
  esac
  local size cap report rc=0
  size=$(stat -c %s "$file")
  cap=$((64 * 1024 * 1024 + 4 * size))
  report=$(mktemp)
  DOTNET_GCHeapHardLimit=$(printf '0x%X' "$cap") DOTNET_GCgen0size=0x400000 DOTNET_TieredPGO=0 \
    /usr/bin/time -v -o "$report" dotnet "$TOOL" "${args[@]}" >/dev/null 2>"$report.err" || rc=$?
  local rss wall verdict
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2 * 1024}' "$report")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$report")
  verdict=ok
  if [ "$rc" -gt 1 ] || [ "$rss" -gt "$cap" ]; then verdict=FAIL; failures=$((failures + 1)); fi
  printf '| %s | %s | %d | %.1f | %.1f | %.0f%% | %s | %.2f | %s |\n' "$input" "$verb" "$size" "$(awk -v b="$size" 'BEGIN{print b / 1048576}')" \
    "$(awk -v b="$rss" 'BEGIN{print b / 1048576}')" "$(awk -v a="$rss" -v c="$cap" 'BEGIN{print 100 * a / c}')" "$rc" "$wall" "$verdict"
  [ "$verdict" = ok ] || sed 's/^/    /' "$report.err" | head -n 3 >&2
  rm -f "$report" "$report.err" "$file.out"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); cap = 64 MiB + 4 x input"
echo
echo "| input | verb | bytes | MiB | peak RSS MiB | of cap | exit | s | |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
for file in "$INPUTS"/*; do
  name=$(basename "$file")
  case "$name" in
    *.ber) for verb in "${BER_VERBS[@]}"; do run "${name%.ber}" "$verb" "$file"; done ;;
    *.mig) for verb in "${QEMU_VERBS[@]}"; do run "${name%.mig}" "$verb" "$file"; done ;;
    *.json) run "${name%.json}" check "$file" ;;
  esac
done
[ "$failures" -eq 0 ] || { echo "$failures run(s) failed" >&2; exit 1; }
