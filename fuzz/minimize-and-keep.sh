#!/usr/bin/env bash
# Usage: fuzz/minimize-and-keep.sh TARGET CRASH_FILE [NAME]
# Minimises a crash or hang found by fuzz/run.sh with afl-tmin and keeps it as fuzz/corpus/TARGET/regression-NAME,
# where test/Fuzz.Tests replays it on every run. Fix the bug, then check: dotnet test test/Fuzz.Tests
# Uses the instrumented build fuzz/run.sh left in FUZZ_OUT (default fuzz/out).
set -euo pipefail
target=${1:?usage: fuzz/minimize-and-keep.sh TARGET CRASH_FILE [NAME]}
crash=${2:?usage: fuzz/minimize-and-keep.sh TARGET CRASH_FILE [NAME]}
here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_OUT:-$here/out}
name=${3:-$(sha1sum "$crash" | cut -c1-12)}
kept=$here/corpus/$target/regression-$name
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
tmp=$(mktemp)
if afl-tmin -i "$crash" -o "$tmp" -t 5000 -m none -- dotnet "$out/MigrationFormat.Fuzz.dll" "$target"; then
  cp "$tmp" "$kept"
else
  echo "afl-tmin failed; keeping the input as found" >&2
  cp "$crash" "$kept"
fi
rm -f "$tmp"
echo "kept $kept ($(stat -c %s "$kept") bytes); reproduce with:"
echo "  dotnet $out/MigrationFormat.Fuzz.dll --replay $target $kept"
