#!/usr/bin/env bash
# make bench: extraction speed of msikit against cabextract and gcab on a
# generated ~200 MB, ~10,000-file MSZIP cabinet (built with gcab -cz), the
# median of 3 runs each; writing speed and MSZIP size of `msikit cab
# create` against `gcab -cz` on the same files; then the Go benchmarks of
# the cab packages.
# BENCH_MB and BENCH_FILES change the size; BENCH_RUNS the number of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${BENCH_MB:-200}
FILES=${BENCH_FILES:-10000}
RUNS=${BENCH_RUNS:-3}
BIN=$PWD/bin/msikit
for t in gcab cabextract; do
  command -v $t >/dev/null || { echo "bench: $t is not installed" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== generating $MB MB in $FILES files"
go run ./internal/benchgen -o "$tmp/src" -size "$MB" -files "$FILES"
mapfile -t files < <(cd "$tmp/src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
(cd "$tmp/src" && gcab -cz "$tmp/bench.cab" "${files[@]}")
cabsize=$(stat -c %s "$tmp/bench.cab")
echo "cabinet: $((cabsize >> 20)) MB compressed, $MB MB of files"

timeit() { # prints "seconds peak_kib" for one run of "$@"
  rm -rf "$tmp/out"; mkdir "$tmp/out"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    cat "$tmp/time"
  else
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/err"; e=$(date +%s.%N)
    echo "$(echo "$e - $s" | bc) 0"
  fi
}

declare -A med rss
for tool in msikit cabextract gcab; do
  case $tool in
    msikit)     cmd=("$BIN" cab extract -q -o "$tmp/out" "$tmp/bench.cab") ;;
    cabextract) cmd=(cabextract -q -d "$tmp/out" "$tmp/bench.cab") ;;
    gcab)       cmd=(gcab -x -C "$tmp/out" "$tmp/bench.cab") ;;
  esac
  times=(); peak=0
  for _ in $(seq "$RUNS"); do
    read -r s k < <(timeit "${cmd[@]}")
    times+=("$s"); [ "$k" -gt "$peak" ] && peak=$k
  done
  med[$tool]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss[$tool]=$peak
  echo "$tool runs: ${times[*]}"
done
# The outputs must agree before the timings mean anything.
"$BIN" cab extract -q -o "$tmp/o1" "$tmp/bench.cab"
cabextract -q -d "$tmp/o2" "$tmp/bench.cab"
diff -r "$tmp/o1" "$tmp/o2" >/dev/null || { echo "bench: msikit and cabextract outputs differ" >&2; exit 1; }

echo
printf '%-12s %10s %10s %12s\n' tool "median s" "MB/s" "peak RSS MiB"
for tool in msikit cabextract gcab; do
  awk -v t=$tool -v s="${med[$tool]}" -v k="${rss[$tool]}" -v mb="$MB" \
    'BEGIN { printf "%-12s %10.2f %10.1f %12.1f\n", t, s, (s > 0 ? mb / s : 0), k / 1024 }'
done
awk -v a="${med[cabextract]}" -v b="${med[msikit]}" -v g="${med[gcab]}" \
  'BEGIN { printf "\nratio of medians: cabextract/msikit %.2fx, gcab/msikit %.2fx\n", a / b, g / b }'

# Writing: msikit cab create against gcab -cz on the same files, in the
# same order, the median of RUNS runs each, and the MSZIP size ratio.
echo
echo "== writing $MB MB: msikit cab create against gcab -cz"
declare -A wmed wsize
for tool in msikit gcab; do
  times=()
  for _ in $(seq "$RUNS"); do
    rm -f "$tmp/w.cab"
    s=$(date +%s.%N)
    (
      cd "$tmp/src"
      case $tool in
        msikit) "$BIN" cab create -q -o "$tmp/w.cab" "${files[@]}" ;;
        gcab)   gcab -cz "$tmp/w.cab" "${files[@]}" ;;
      esac
    ) >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  wmed[$tool]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  wsize[$tool]=$(stat -c %s "$tmp/w.cab")
  echo "$tool runs: ${times[*]}"
done
# The cabinet written must extract to the source files.
cabextract -q -d "$tmp/o3" "$tmp/w.cab" >/dev/null
printf '%-12s %10s %10s %14s\n' tool "median s" "MB/s" "cabinet bytes"
for tool in msikit gcab; do
  awk -v t=$tool -v s="${wmed[$tool]}" -v z="${wsize[$tool]}" -v mb="$MB" \
    'BEGIN { printf "%-12s %10.2f %10.1f %14d\n", t, s, (s > 0 ? mb / s : 0), z }'
done
awk -v a="${wsize[msikit]}" -v b="${wsize[gcab]}" \
  'BEGIN { printf "\nMSZIP size msikit/gcab: %.4f (the issue asks for at most 1.05)\n", a / b }'

echo
echo "== go test -bench . -run ^\$ ./cab/..."
go test -bench . -run '^$' ./cab/...
