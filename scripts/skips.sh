#!/usr/bin/env bash
# Summarises the skips tests recorded (testutil.Skip) in the file $1: one
# line per reason, with how many tests it skipped.
log=${1:?usage: skips.sh LOGFILE}
if [ ! -s "$log" ]; then
  echo "skipped: nothing (every peer tool and the shared corpus were there)"
  exit 0
fi
echo
echo "skipped tests, by reason ($(wc -l <"$log") in all):"
cut -f2- "$log" | sort | uniq -c | sort -rn | sed 's/^ */  /'
