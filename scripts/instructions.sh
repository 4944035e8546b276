#!/usr/bin/env bash
# Counts the instructions a full build executes (valgrind's callgrind), for comparing binaries on a
# host whose speed drifts: on this VM the same binary's user CPU for 100,000 records on tmpfs moved
# between 5.3 and 7.3 s within hours, so timed A/B runs cannot see a 3% change, while the instruction count
# of one binary repeats within 0.1% (4,718.5, 4,719.2 and 4,723.0 million without SHA-256, three
# runs at 10,000 records). It does not see cache misses or kernel work: confirm a change that moves
# memory with timed runs too.
#
#   bash scripts/instructions.sh [--records N] BIN [BIN ...]
#
# Each binary builds the same generated site (default 10,000 records) under callgrind; the script
# prints each one's total, the part spent in SHA-256 (valgrind has no SHA-NI, so sha2 falls back to
# its much slower software rounds, about 1.2 of 5.9 billion at 10,000 records; natively it is under
# 2% of the build's CPU), the total without it, and the largest gongshi functions (inclusive, all
# threads). It fails when two binaries' outputs differ: a speed change must not change the site.
set -euo pipefail
records=10000
bins=()
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        -h|--help) sed -n 2,15p "$0"; exit 0 ;;
        *)
            bin=$(command -v "$1") || { echo "instructions: no binary $1" >&2; exit 2; }
            bins+=("$(realpath "$bin")")
            shift
            ;;
    esac
done
if [ ${#bins[@]} -eq 0 ]; then
    echo "usage: bash scripts/instructions.sh [--records N] BIN [BIN ...]" >&2
    exit 2
fi
command -v valgrind >/dev/null || bash "$(dirname "$0")/apt-install.sh" valgrind
command -v valgrind >/dev/null || { echo "instructions: valgrind is missing" >&2; exit 2; }

as_of=2025-06-30
work=$(mktemp -d "${TMPDIR:-/tmp}/gongshi-instructions.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The generator is a workspace member of its own (crates/gongshi-generate), not a gongshi command.
cargo run --quiet --release --manifest-path "$(dirname "$0")/../Cargo.toml" -p gongshi-generate -- \
    --records "$records" --seed 1 --out "$work/site" >/dev/null 2>&1

first_out=""
for i in "${!bins[@]}"; do
    bin="${bins[$i]}"
    out="$work/out-$i"
    valgrind --tool=callgrind --callgrind-out-file="$work/cg-$i.out" \
        "$bin" build --as-of "$as_of" --site "$work/site" --out "$out" \
        >/dev/null 2>"$work/valgrind-$i.log" || {
        echo "instructions: $bin failed under valgrind; its log:" >&2
        tail -20 "$work/valgrind-$i.log" >&2
        exit 1
    }
    echo "== $bin ($records records)"
    callgrind_annotate --auto=no --inclusive=yes "$work/cg-$i.out" >"$work/inclusive-$i.txt" 2>/dev/null
    callgrind_annotate --auto=no --threshold=100 "$work/cg-$i.out" >"$work/self-$i.txt" 2>/dev/null
    python3 - "$work/inclusive-$i.txt" "$work/self-$i.txt" <<'PY'
import re, sys

def rows(path):
    """(count, function) per line of callgrind_annotate's table; lines read `N (P%)  file:function [object]`."""
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if m:
            where = re.sub(r" \[[^\]]*\]$", "", m.group(2))
            file, _, name = where.rpartition(".rs:") if ".rs:" in where else ("", "", where)
            yield int(m.group(1).replace(",", "")), file, name

inclusive, own = list(rows(sys.argv[1])), list(rows(sys.argv[2]))
total = next(n for n, _, name in own if "PROGRAM TOTALS" in name)
# SHA-256 code inlined elsewhere still comes from the sha2 crate's files.
sha = sum(n for n, file, name in own if name.startswith("sha2::") or "/sha2-" in file)
print(f"  instructions        {total:>15,}")
print(f"  in SHA-256          {sha:>15,}")
print(f"  without SHA-256     {total - sha:>15,}")
best = {}
for n, _, name in inclusive:
    name = re.sub(r"'\d+$", "", name)
    if "gongshi::" in name and not name.startswith(("rayon", "core::", "std::", "<rayon")):
        best[name] = max(best.get(name, 0), n)
for name, n in sorted(best.items(), key=lambda kv: -kv[1])[:15]:
    print(f"  {n:>15,}  {name}")
PY
    if [ -z "$first_out" ]; then
        first_out="$out"
    elif ! diff -rq "$first_out" "$out" >/dev/null; then
        echo "instructions: ${bins[0]} and $bin wrote different sites:" >&2
        diff -rq "$first_out" "$out" | head -5 >&2
        exit 1
    fi
done
