#!/usr/bin/env bash
# Every manual page lints clean with mandoc (style included) and with groff's warnings.
set -euo pipefail
dir=$1
pages=("$dir"/*.[0-9])
[ ${#pages[@]} -ge 4 ] || { echo "expected the four manual pages in $dir"; exit 1; }
out=$(mandoc -T lint "${pages[@]}" 2>&1) || true
out+=$(for p in "${pages[@]}"; do groff -ww -man -z "$p" 2>&1; done)
if [ -n "$out" ]; then
  printf '%s\n' "$out"
  exit 1
fi
echo "${#pages[@]} manual pages lint clean"
