#!/usr/bin/env bash
# Usage: fuzz/run.sh TARGET SECONDS [extra afl-fuzz args...]
# Builds the harness in Release, instruments the library assemblies with SharpFuzz, and runs AFL++ on TARGET
# for SECONDS, seeded from fuzz/corpus/TARGET. Findings go to fuzz/findings/TARGET (not kept in git).
# Targets: ber-reader ber-validator migration-stream device-state legacy schema vmstate-json qemu-stream vm-description
#   tool-verbs tool-compare-convert vhost-user-messages vfio-stream backend-chunks session-forward session-return-path qemu-virtio
# Environment: FUZZ_OUT (build output, default fuzz/out), FUZZ_NO_BUILD=1 to reuse a build, FUZZ_RESUME=1 to resume.
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${FUZZ_OUT:-$here/out}
findings=$here/findings/$target
corpus=$here/corpus/$target
export PATH="$PATH:$HOME/.dotnet/tools"

if ! command -v afl-fuzz >/dev/null; then
  echo "Installing afl++ ..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq afl++; else sudo apt-get update -qq && sudo apt-get install -y -qq afl++; fi
fi
if ! command -v sharpfuzz >/dev/null; then
  echo "Installing the SharpFuzz instrumentation tool ..." >&2
  dotnet tool install --global SharpFuzz.CommandLine
fi
[ -d "$corpus" ] || { echo "no corpus folder $corpus" >&2; exit 2; }

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  rm -rf "$out"
  dotnet build "$here/MigrationFormat.Fuzz/MigrationFormat.Fuzz.csproj" -c Release -o "$out" -nologo -v q
  # Instrument what we fuzz: the libraries, not the harness, the runtime or SharpFuzz.
  for dll in MigrationFormat.Ber.dll MigrationFormat.Visitors.dll MigrationFormat.Schema.dll MigrationFormat.Qemu.dll MigrationFormat.Samples.dll MigrationFormat.DeviceState.dll \
    MigrationFormat.Session.dll migfmt.dll; do
    sharpfuzz "$out/$dll"
  done
fi

mkdir -p "$(dirname "$findings")"
input=(-i "$corpus")
if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -d "$findings" ]; then input=(-i -); fi
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1
export AFL_AUTORESUME=1 AFL_NO_AFFINITY=${AFL_NO_AFFINITY:-1}
export DOTNET_TieredPGO=0
# afl-fuzz -V stops after SECONDS; timeout is a safety net.
timeout --signal=INT $((seconds + 60)) afl-fuzz "${input[@]}" -o "$findings" -t 5000 -m none -V "$seconds" "$@" \
  -- dotnet "$out/MigrationFormat.Fuzz.dll" "$target" || true

stats=$findings/default/fuzzer_stats
if [ -f "$stats" ]; then
  grep -E '^(execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|run_time)' "$stats"
fi
crashes=$(find "$findings/default/crashes" "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "crashes+hangs: $crashes (minimise and keep them with fuzz/minimize-and-keep.sh $target FILE)"
