#!/bin/sh
# signed.sh - messages signed by dkimpy and by the opendkim milter (keys made
# now, offline), verified by vigie's dkimcheck: each case gets its exact
# result, reason and alignment; feeding the body byte by byte changes nothing.
# TAP on stdout. Needs python3-dkim, opendkim and openssl (contrib/debian-packages).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON3:=/usr/bin/python3}"
verify="$top_builddir/tests/dkim/dkimverify"
tmp=$(mktemp -d --suffix=.tmp "$top_builddir/tests/dkim/signed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$PYTHON3" "$top_srcdir/tests/dkim/mksigned.py" "$tmp" 2>"$tmp/mksigned.err"; then
	echo "Bail out! cannot sign test messages: $(tail -n 1 "$tmp/mksigned.err")"
	exit 1
fi
"$verify" -k "$tmp/keys" "$tmp"/*.eml >"$tmp/whole" 2>&1 || {
	echo "Bail out! dkimverify failed: $(tail -n 1 "$tmp/whole")"
	exit 1
}

# case|what it proves|the signature lines dkimverify must print, in order ("|" between)
cat >"$tmp/expect" <<'EOF'
dkimpy-rsa-simple|dkimpy rsa-sha256 simple/simple passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
dkimpy-rsa-relaxed|dkimpy rsa-sha256 relaxed/relaxed passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
dkimpy-rsa-simple-lf|dkimpy rsa-sha256 simple, file with bare LF, passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
dkimpy-rsa-relaxed-lf|dkimpy rsa-sha256 relaxed, file with bare LF, passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
dkimpy-ed-simple|dkimpy ed25519-sha256 simple/simple passes|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
dkimpy-ed-relaxed|dkimpy ed25519-sha256 relaxed/relaxed passes|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
dkimpy-ed-simple-lf|dkimpy ed25519-sha256 simple, bare LF, passes|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
dkimpy-ed-relaxed-lf|dkimpy ed25519-sha256 relaxed, bare LF, passes|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
opendkim-rsa-relaxed|opendkim signer rsa-sha256 relaxed/relaxed passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
opendkim-rsa-simple|opendkim signer rsa-sha256 simple/simple (LF file) passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
opendkim-ed-relaxed|opendkim signer ed25519-sha256 passes|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
length-appended|l= leaves text appended after signing outside: passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
length-cut|l= longer than the body fails|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="l= longer than the body"
oversigned|over-signed From passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
oversigned-second-from|a From added under an over-signed From fails|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="signature mismatch"
opendkim-oversigned|opendkim OversignHeaders From passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
opendkim-oversigned-second-from|a From added to an opendkim over-signed message fails|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="signature mismatch"
tampered-body|a changed body fails on its body hash|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="body hash mismatch"
tampered-header|a changed signed header fails on the signature|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="signature mismatch"
expired|x= in the past is policy (signature expired)|policy d=viamedis.test s=rsa2048 a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="signature expired"
not-expired|x= in the future passes|pass d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason=""
unknown-algorithm|a=rsa-sha512 is neutral (unknown algorithm)|neutral d=viamedis.test s=rsa2048 a=rsa-sha512 bits=0 relaxed=yes strict=yes reason="unknown algorithm"
sha1|rsa-sha1 is policy (RFC 8301), no key fetched|policy d=viamedis.test s=rsa2048 a=rsa-sha1 bits=0 relaxed=yes strict=yes reason="rsa-sha1 not accepted"
key-too-small|a 768-bit RSA key is policy (key too small)|policy d=viamedis.test s=small a=rsa-sha256 bits=768 relaxed=yes strict=yes reason="key too small"
key-revoked|an empty p= is permerror (key revoked)|permerror d=viamedis.test s=revoked a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="key revoked"
key-missing|no key record is permerror (key not found)|permerror d=viamedis.test s=absent a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="key not found"
key-wrong|the key of another pair fails on the signature|fail d=viamedis.test s=wrongkey a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="signature mismatch"
key-testing|a t=y key passes and is flagged testing|pass d=viamedis.test s=testing a=rsa-sha256 bits=2048 relaxed=yes strict=yes testing reason=""
identity-outside|i= outside d= is neutral|neutral d=viamedis.test s=rsa2048 a=rsa-sha256 bits=0 relaxed=yes strict=yes reason="i= not within d="
two-one-fails|two signatures: the one over a changed Subject fails, the other passes|fail d=viamedis.test s=rsa2048 a=rsa-sha256 bits=2048 relaxed=yes strict=yes reason="signature mismatch"|pass d=viamedis.test s=ed a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""
subdomain|a subdomain signer is aligned relaxed, not strict|pass d=mail.viamedis.test s=sub a=rsa-sha256 bits=2048 relaxed=yes strict=no reason=""
EOF

# block FILE OUTPUT - the signature lines printed for FILE, "|"-joined
block() {
	awk -v f="$1" '
		index($0, f " ms=") == 1 { on = 1; next }
		/^[^ ]/ { on = 0 }
		on && /^  ar:/ { on = 0 }
		on && /^  / { sub(/^  /, ""); printf "%s%s", sep, $0; sep = "|" }
	' "$2"
}

n=0
total=$(( $(wc -l <"$tmp/expect") + 5 ))
echo "1..$total"
while IFS='|' read -r name what rest; do
	n=$((n + 1))
	got=$(block "$tmp/$name.eml" "$tmp/whole")
	if [ "$got" = "$rest" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what ($name)"
		echo "# expected: $rest"
		echo "# got:      $got"
	fi
done <"$tmp/expect"

# fifty signatures: ten verified (all pass), forty counted, in bounded time
n=$((n + 1))
head=$(grep "fifty-signatures.eml ms=" "$tmp/whole")
passes=$(block "$tmp/fifty-signatures.eml" "$tmp/whole" | tr '|' '\n' | grep -c '^pass ')
ms=$(echo "$head" | sed -n 's/.* ms=\([0-9]*\) .*/\1/p')
case "$head" in
*"sigs=10 dropped=40"*)
	if [ "$passes" = 10 ] && [ "${ms:-99999}" -lt 2000 ]; then
		echo "ok $n - fifty signatures: 10 verified and passing, 40 counted, ${ms} ms"
	else
		echo "not ok $n - fifty signatures: $passes passes in ${ms} ms"
	fi ;;
*) echo "not ok $n - fifty signatures: $head" ;;
esac

# the body fed one byte, then seven bytes at a time gives the same results
for chunk in 1 7; do
	n=$((n + 1))
	"$verify" -c "$chunk" -k "$tmp/keys" "$tmp"/*.eml >"$tmp/chunked" 2>&1
	sed 's/ ms=[0-9]*//' "$tmp/whole" >"$tmp/a"
	sed 's/ ms=[0-9]*//' "$tmp/chunked" >"$tmp/b"
	if cmp -s "$tmp/a" "$tmp/b"; then
		echo "ok $n - body in chunks of $chunk byte(s): same results for every message"
	else
		echo "not ok $n - body in chunks of $chunk byte(s) changes results"
	fi
done

# the RFC 8463 example (Appendix A): both signatures pass with the RFC's keys
n=$((n + 1))
rfc=$("$verify" -k "$top_srcdir/tests/data/dkim/rfc8463.keys" "$top_srcdir/tests/data/dkim/rfc8463.eml")
got=$(block "$top_srcdir/tests/data/dkim/rfc8463.eml" /dev/stdin <<EOF
$rfc
EOF
)
want='pass d=football.example.com s=brisbane a=ed25519-sha256 bits=256 relaxed=yes strict=yes reason=""|pass d=football.example.com s=test a=rsa-sha256 bits=1024 relaxed=yes strict=yes reason=""'
if [ "$got" = "$want" ]; then
	echo "ok $n - RFC 8463 example: ed25519-sha256 and rsa-sha256 both pass"
else
	echo "not ok $n - RFC 8463 example"
	echo "# got: $got"
fi

# Authentication-Results for two signatures, one failing: exact value
n=$((n + 1))
ar=$(awk -v f="$tmp/two-one-fails.eml" '
	index($0, f " ms=") == 1 { on = 1; next }
	on && /^  ar: / { sub(/^  ar: /, ""); print; more = 1; next }
	on && more && /^\t/ { print; next }
	on && more { exit }' "$tmp/whole")
case "$ar" in
"mx.vigie.test; dkim=fail reason=\"signature mismatch\""*"header.d=viamedis.test"*"header.s=rsa2048"*"dkim=pass header.d=viamedis.test"*"header.s=ed"*"header.a=ed25519-sha256"*)
	echo "ok $n - Authentication-Results: one dkim= per signature, reason on failure" ;;
*)	echo "not ok $n - Authentication-Results: $ar" ;;
esac
