#!/bin/sh
# eval.sh - the evaluation sets of tests/eval as a test: generates the ham,
# near-name and adversarial sets (dev and held) into a temporary directory,
# runs $VIGIE_CHECK over them (run_eval.py) and prints TAP: one test per set
# and category, asserting that no ham message and no near-name message is
# flagged suspect or impersonation and that every adversarial message is at
# least suspect; plus the near-name list is up to date with its sources and
# a sample of the generated messages is valid RFC 5322/MIME.
# vigie 0.1.0 failed it (tests/eval/BASELINE.md); make check runs it.
# Never touches the network: DKIM keys come from the sets' test-keys files.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
python=${PYTHON3:-/usr/bin/python3}
check=${VIGIE_CHECK:-$top_builddir/milter/vigie-check}
here=$top_srcdir/tests/eval
. "$top_srcdir/tests/tap.sh"

for mod in faker dkim idna; do
	if ! "$python" -c "import $mod" 2>/dev/null; then
		echo "1..0 # SKIP python module $mod is missing (python3-fake-factory, python3-dkim, python3-idna)"
		exit 0
	fi
done
if [ ! -x "$check" ]; then
	echo "1..0 # SKIP $check is not built"
	exit 0
fi
# thousands of small files: a memory file system when there is one
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
tmp=$(mktemp -d "$base/vigie-eval.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

"$python" "$here/gen_ham.py" "$tmp" > "$tmp/gen-ham.log" 2>&1 &
ham=$!
"$python" "$here/gen_near.py" "$tmp" > "$tmp/gen-near.log" 2>&1
near=$?
"$python" "$here/gen_adversarial.py" "$tmp" > "$tmp/gen-adv.log" 2>&1
adv=$?
wait $ham
ham=$?
t "the generators ran (gen_ham.py, gen_near.py, gen_adversarial.py)" '[ $ham = 0 ] && [ $near = 0 ] && [ $adv = 0 ]'
cat "$tmp"/gen-*.log | sed 's/^/# /'

out=$("$python" "$here/gen_near.py" --check 2>&1)
t "data/near-names.txt is what gen_near.py --update computes from Faker, data/names.txt and the brand pack" '[ -z "$out" ]'
[ -z "$out" ] || echo "$out" | sed 's/^/# /'

"$python" "$here/check_mime.py" --every 5 "$tmp/ham" "$tmp/near" "$tmp/adversarial" > "$tmp/mime.log" 2>&1
status=$?
t "a sample of the generated messages (1 in 5) is valid RFC 5322/MIME for Python's email package" '[ $status = 0 ]'
tail -n 20 "$tmp/mime.log" | sed 's/^/# /'

"$python" "$here/run_eval.py" --tap --vigie-check "$check" --summary "$tmp/summary.json" \
	"$tmp/ham" "$tmp/near" "$tmp/adversarial" > "$tmp/tap" 2> "$tmp/run.log"
status=$?
t "run_eval.py ran vigie-check on every message" '[ $status -le 1 ] && grep -q "^1\.\." "$tmp/tap"'
sed 's/^/# /' "$tmp/run.log"
while IFS= read -r line; do
	case $line in
	"ok "*) t "${line#ok * - }" true ;;
	"not ok "*) t "${line#not ok * - }" false ;;
	"#"*) echo "$line" ;;
	esac
done < "$tmp/tap"
[ -z "${EVAL_SUMMARY:-}" ] || cp "$tmp/summary.json" "$EVAL_SUMMARY"
echo "1..$n"
[ "$fails" = 0 ]
