#!/bin/sh
# domain-check.sh - vigie-check --domain end to end: golden outputs (text and
# JSON Lines) for tests/golden/domains.txt, exit statuses, standard input,
# argument and brand pack errors. Prints TAP.
#
# After a deliberate change of the explanations, regenerate the goldens with
#   milter/vigie-check --domain - < tests/golden/domains.txt > tests/golden/domains.out
#   milter/vigie-check --json --domain - < tests/golden/domains.txt > tests/golden/domains.jsonl
# and review the diff.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
python=${PYTHON3:-/usr/bin/python3}
golden=$top_srcdir/tests/golden
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-domain-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0
# ok CONDITION-STATUS DESCRIPTION
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}
# status EXPECTED COMMAND... - run, compare the exit status
status() {
	want=$1
	shift
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ "$got" = "$want" ]
}

echo "1..21"

"$check" --domain - < "$golden/domains.txt" > "$tmp/text"
[ $? = 1 ]
ok $? "a list with lookalikes exits 1"
diff -u "$golden/domains.out" "$tmp/text" >&2
ok $? "text report matches tests/golden/domains.out"

"$check" --json --domain - < "$golden/domains.txt" > "$tmp/json"
diff -u "$golden/domains.jsonl" "$tmp/json" >&2
ok $? "JSON Lines report matches tests/golden/domains.jsonl"

"$python" - "$tmp/json" <<'PY' >&2
import json, sys
need = {"domain", "ascii", "unicode", "registrable", "verdict", "score", "brand", "reasons"}
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    missing = need - set(o)
    assert not missing, "line %d lacks %s" % (n, missing)
    assert o["verdict"] in ("clean", "suspect", "impersonation"), line
    assert 0 <= o["score"] <= 100, line
    for r in o["reasons"]:
        assert set(r) == {"code", "where", "detail"}, line
PY
ok $? "every JSON line parses and holds the fields of vigie-check(1)"

grep -v '^#' "$golden/domains.txt" | sed -n '5,8p' > "$tmp/four"
set -- $(cat "$tmp/four")
"$check" --domain "$@" > "$tmp/args"
"$check" --domain - < "$tmp/four" > "$tmp/stdin"
cmp -s "$tmp/args" "$tmp/stdin"
ok $? "names as arguments and on standard input give the same report"

status 0 "$check" --domain viamedis.fr gmail.com info.ameli.fr
ok $? "only clean names exit 0"
status 1 "$check" --domain gmail.com viamdis.fr
ok $? "one typo among clean names exits 1"
status 1 "$check" --domain viamedis.com
ok $? "a suspect name alone exits 1"
status 0 "$check" --domain xn--zz99.fr a..b
ok $? "invalid names are reported, not fatal"
grep -q '^xn--zz99.fr: invalid: invalid punycode$' "$tmp/out"
ok $? "an invalid name says why"

printf 'viamedis.fr\n\n# comment\n  gmail.com  \r\n' | "$check" --domain - > "$tmp/out"
[ "$(wc -l < "$tmp/out")" = 2 ]
ok $? "blank lines and comments on standard input are skipped, blanks trimmed"

head -c 5000 /dev/zero | tr '\0' a | "$check" --domain - > "$tmp/out"
grep -q ': invalid: name longer than 253 bytes$' "$tmp/out"
ok $? "an over-long line is reported as too long"

printf 'via\001medis.fr\n' | "$check" --domain - > "$tmp/out"
grep -q '^via\[U+0001\]medis.fr: invalid' "$tmp/out"
ok $? "control characters are escaped on the terminal"

status 2 "$check"
ok $? "no argument is a usage error (2)"
status 2 "$check" --nonsense --domain x.fr
grep -q 'unknown option' "$tmp/err"
ok $? "an unknown option is a usage error with a message"
status 2 "$check" --domain --brands "$tmp/none.conf" viamedis.fr
grep -q "none.conf: No such file" "$tmp/err"
ok $? "a missing brand pack exits 2 and names the file"

printf 'brand Test\n\tdomian test.fr\n' > "$tmp/bad.conf"
status 2 "$check" --brands "$tmp/bad.conf" --domain test.fr
grep -q "bad.conf:2: unknown keyword 'domian'" "$tmp/err"
ok $? "a bad brand pack exits 2 with file:line"

printf 'brand Testbrand\n\tdomain testbrand.fr\n' > "$tmp/test.conf"
status 1 "$check" --brands "$tmp/test.conf" --domain tsetbrand.fr viamedis.fr
grep -q 'brand Testbrand' "$tmp/out" && ! grep -q Viamedis "$tmp/out"
ok $? "--brands replaces the built-in pack"

status 2 "$check" "$tmp/no-such-message.eml"
grep -q 'no-such-message.eml' "$tmp/err"
ok $? "without --domain the arguments are message files: a missing one exits 2, named"

status 2 "$check" --config "$tmp/test.conf" --domain x.fr
grep -q "test.conf:1:" "$tmp/err"
ok $? "--config with a file that is no vigie.conf exits 2, naming file and line"

status 0 "$check" --help
grep -q -- '--domain DOMAIN' "$tmp/out"
ok $? "--help prints the synopsis and exits 0"

exit $failed
