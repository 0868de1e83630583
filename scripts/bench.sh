#!/usr/bin/env bash
# make bench: msikit against the C tools, whether its memory stays flat,
# and the Go benchmarks of each stage.
#
# 1. Speed against the peers: ../shared/bench/vs-peers when the shared
#    directory is there, otherwise internal/benchpeers, which builds the
#    same inputs (the Go tree's source and tools packed with gcab -cz and
#    with wixl) and makes the same comparison: each pair run alternately,
#    the ratio of medians (peer time / msikit time, above 1 means msikit is
#    faster), msikit's peak RSS.
# 2. Flat memory: the peak RSS of `msikit cab test` on cabinets from
#    megabytes to gigabytes of output: the corpus's large-files-cab.cab,
#    its inner large-files.cab (three 2 GB files, MSZIP, LZX:15 and
#    LZX:21) and a generated cabinet of BENCH_GB (default 3) GB.
# 3. go test -bench of the stages: inflate (cab/mszip), LZX (cab/lzx),
#    extraction and writing cabinets (cab), loading a package's tables
#    and making its layout (msi), writing files (internal/safepath).
#
# BENCH_RUNS: runs per tool (default 3). BENCH_DIR: where the vs-peers
# inputs are kept between runs. BENCH_QUICK=1: step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin/msikit
RUNS=${BENCH_RUNS:-3}
GB=${BENCH_GB:-3}
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

echo "== msikit $(git describe --always --dirty 2>/dev/null || echo '?') on $(nproc) cores, load average $(load)"
echo
echo "== speed against the peers (ratio of medians of $RUNS runs: peer time / msikit time)"
if [ -x ../shared/bench/vs-peers ]; then
  RUNS=$RUNS ../shared/bench/vs-peers "$BIN"
else
  go run ./internal/benchpeers -runs "$RUNS" ${BENCH_DIR:+-dir "$BENCH_DIR"} "$BIN"
fi
echo "load average after: $(load)"
[ "${BENCH_QUICK:-}" = 1 ] && exit 0

echo
echo "== flat memory: peak RSS of cab test as the output grows"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cabs=()
lf=../shared/corpus/libmspack-cabextract/large-files-cab.cab
if [ -f "$lf" ]; then
  "$BIN" cab extract -q "$lf" -o "$tmp/lf"
  cabs+=("$lf" "$tmp/lf/large-files.cab")
else
  echo "(corpus absent: large-files-cab.cab skipped)"
fi
go run ./internal/benchpeers -gencab $((GB * 1024)) "$tmp/gen.cab"
cabs+=("$tmp/gen.cab")
go run ./internal/benchpeers -memory "$(IFS=,; echo "${cabs[*]}")" "$BIN"

echo
echo "== go test -bench: the stages"
go test -run '^$' -bench . -benchmem ./cab/... ./msi ./internal/safepath/...
