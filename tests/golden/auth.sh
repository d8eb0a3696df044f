#!/bin/sh
# auth.sh - the verdict table of vigie-scoring(7), offline: vigie-check on
# each message of tests/data/auth with its envelope (tests/data/auth/cases:
# --client-ip, --helo, --mail-from) and its DNS (--test-dns zone: SPF, DMARC
# and DKIM records). Checks that every message gets the verdict and exactly
# the codes tests/data/auth/MANIFEST says (written by hand from the table),
# and that the reports, human and JSON, match tests/golden/auth.out and
# auth.jsonl byte for byte. Prints TAP.
#
# After a deliberate change of the explanations, regenerate them with
#   VIGIE_GOLDEN_WRITE=1 tests/golden/auth.sh
# then review the diff.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
: "${PYTHON3:=/usr/bin/python3}"
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
case $check in /*) ;; *) check=$(pwd)/$check ;; esac
golden=$(cd "$top_srcdir/tests/golden" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-auth-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$top_srcdir/tests/data/auth" || exit 1

# run MODE OUT - every case of the table, in the order of cases
run() {
	grep -v '^#' cases | while read -r file ip helo from opts; do
		[ -n "$file" ] || continue
		# shellcheck disable=SC2086
		"$check" $1 --test-dns zone --client-ip "$ip" --helo "$helo" --mail-from "$from" \
			$opts "$file" 2>&1
	done > "$2"
}
run "" "$tmp/text"
run --json "$tmp/json"
if [ "${VIGIE_GOLDEN_WRITE:-0}" = 1 ]; then
	cp "$tmp/text" "$golden/auth.out"
	cp "$tmp/json" "$golden/auth.jsonl"
fi

n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# the MANIFEST: verdict and codes of each message, from the JSON reports
"$PYTHON3" - "$tmp/json" MANIFEST > "$tmp/manifest" <<'PY'
import json, sys
got = {}
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    got[o["file"]] = (o["verdict"], {r["code"] for r in o["reasons"]})
for line in open(sys.argv[2], encoding="utf-8"):
    parts = line.split()
    if not parts or parts[0].startswith("#"):
        continue
    name, verdict, codes = parts
    want = set() if codes == "-" else set(codes.split(","))
    v, c = got.get(name, ("missing", set()))
    status = "ok" if (v, c) == (verdict, want) else "not ok"
    print("%s %s: %s %s (want %s %s)" % (status, name, v, ",".join(sorted(c)) or "-",
                                         verdict, ",".join(sorted(want)) or "-"))
PY
while read -r status rest; do
	case $status in
	ok) t 0 "$rest" ;;
	*) t 1 "${rest#ok }" ;;
	esac
done < "$tmp/manifest"
[ -s "$tmp/manifest" ]; t $? "MANIFEST read"
diff -u "$golden/auth.out" "$tmp/text" >&2; t $? "human reports match tests/golden/auth.out"
diff -u "$golden/auth.jsonl" "$tmp/json" >&2; t $? "JSON Lines match tests/golden/auth.jsonl"
echo "1..$n"
