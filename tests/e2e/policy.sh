#!/bin/bash
# policy.sh - DomainPolicies behind a real Postfix: one vigie with a
# per-recipient-domain policy file, several recipient domains in one SMTP
# transaction. Asserts: a domain that rejects alone gets 550; with a
# recipient who only tags, nobody's mail is rejected (one delivery to both);
# reject + quarantine gives quarantine (hold queue); one recipient's Subject
# tag is applied; a message is let through unread only when every
# recipient's entry says Analyse=no; vigie logs the entry of each recipient
# domain and counts the policy in its metrics (StatsSocket). Also the first
# test of the guides, as written there (swaks to 127.0.0.1:25 from
# 127.0.0.2), must give a verdict with vigie's default InternalHosts, and
# mail submitted locally (sendmail(1), pickup) comes as client 127.0.0.1
# (Postfix 3.7), skipped by the default InternalHosts. Prints TAP; root only; inside "unshare -n" (bed.sh).
set -u
: "${top_srcdir:=$(pwd)}"
. "$top_srcdir/tests/e2e/bed.sh"
bed_begin "$0" "$@"
[ -x "$top_builddir/milter/vigie" ] || bed_skip "milter/vigie is not built"
command -v swaks >/dev/null || bed_skip "swaks is not installed"
[ -n "${VIGIE_BED_NETNS:-}" ] || bed_skip "needs a private network namespace (the guide's test uses port 25)"
SINKPORT=$((BED_PORT + 30)) STATS=$((BED_PORT + 88))

cat > "$WORK/policies.conf" <<'EOF2'
# the default for everyone else: vigie.conf's actions (tag)
*                  SuspectAction=tag
reject.example     ImpersonationAction=reject
quar.example       ImpersonationAction=quarantine, SuspectAction=quarantine
tagged.example     SubjectTag="[USURPATION ?]"
.skip.example      Analyse=no
EOF2
# InternalHosts as shipped (127.0.0.1, ::1): the guide's test must still be judged
cat > "$WORK/pol.conf" <<EOF2
Socket local:$RUN/pol.sock
PidFile $RUN/pol.pid
Syslog no
AuthservID mx.bed.test
DomainPolicies $WORK/policies.conf
StatsSocket inet:$STATS@127.0.0.1
TestDNS $WORK/empty.zone
EOF2
chmod 644 "$WORK/policies.conf" "$WORK/pol.conf"
bed_vigie_start pol
bed_sink "$SINKPORT"
bed_postfix mx 25 "$SINKPORT" "unix:$RUN/pol.sock" tempfail 'non_smtpd_milters = $smtpd_milters'
LOG=$WORK/pol.log

msg() { # file subject
	printf 'From: "Viamedis" <paiement@xn--viamdis-eya.fr>\nTo: opticien@example.net\nSubject: %s\nMessage-ID: <%s@bed.test>\n\nBonjour,\nMerci de confirmer votre RIB sur notre espace.\n' \
		"$2" "$1" > "$WORK/msg/$1"
}
send() { # name recipients... -> status in rc, output in $WORK/swaks.NAME
	local name=$1 to
	shift
	to=$(IFS=,; echo "$*")
	msg "$name" "Votre paiement $name"
	swaks --server 127.0.0.1 --port 25 --local-interface 127.0.0.2 --from x@xn--viamdis-eya.fr \
		--to "$to" --data "$WORK/msg/$name" --timeout 20 > "$WORK/swaks.$name" 2>&1
	rc=$?
}
dump_of() { grep -l -F "Message-ID: <$1@bed.test>" "$SINK"/* 2>/dev/null | head -n 1; }
hold_count() { find "$WORK/mx/queue/hold" -type f 2>/dev/null | wc -l; }

send alone u@reject.example
t "impersonation to a domain whose entry rejects: 550 5.7.1 (status $rc)" \
	'[ $rc != 0 ] && grep -q "<\*\* 550 5.7.1" "$WORK/swaks.alone"'

send mixed u@reject.example v@other.example
wait_for 20 '[ -n "$(dump_of mixed)" ]'
f=$(dump_of mixed)
t "with a recipient who only tags: accepted, delivered once to both, tagged" \
	'[ $rc = 0 ] && [ -n "$f" ] && [ "$(grep -c "^X-Rcpt-Args:" "$f")" = 2 ] && grep -q "^X-Vigie-Verdict: impersonation" "$f"'
t "vigie logs the entry of each recipient domain and the action taken" \
	'grep -Eq ": policy: recipients=2 reject.example:reject.example,other.example:\* -> suspect=tag impersonation=tag subject-tag=no banner=impersonation analyse=yes" "$LOG"'

send rq u@reject.example v@quar.example
t "reject + quarantine recipients: accepted (status $rc), then held" \
	'[ $rc = 0 ] && wait_for 10 "[ \$(hold_count) = 1 ]" && [ -z "$(dump_of rq)" ]'

send tag u@tagged.example v@other.example
wait_for 20 '[ -n "$(dump_of tag)" ]'
t "one recipient's Subject tag is applied for the message" \
	'grep -q "^Subject: \[USURPATION ?\] Votre paiement tag" "$(dump_of tag)"'

send skip u@a.skip.example v@b.skip.example
wait_for 20 '[ -n "$(dump_of skip)" ]'
t "every recipient says Analyse=no: delivered unread, no verdict header" \
	'[ -n "$(dump_of skip)" ] && ! grep -q "^X-Vigie-Verdict:" "$(dump_of skip)" && grep -q "not checked: every recipient.s policy says Analyse=no" "$LOG"'

send halfskip u@a.skip.example v@other.example
wait_for 20 '[ -n "$(dump_of halfskip)" ]'
t "one recipient who wants it analysed is enough" 'grep -q "^X-Vigie-Verdict: impersonation" "$(dump_of halfskip)"'

curl -s "http://127.0.0.1:$STATS/metrics" > "$WORK/metrics"
t "the metrics count mixed recipients and the policy skips" \
	'grep -q "^vigie_policy_messages_total{recipients=\"mixed\"} [3-9]" "$WORK/metrics" && grep -q "^vigie_messages_skipped_total{reason=\"policy\"} 1$" "$WORK/metrics"'

# the guides' first test, as they write it (docs/guide-en.md, "Try it")
awk '/^### Try it/ { on = 1 } on && /^```sh/ { getline; while ($0 !~ /^```/) { print; getline } exit }' \
	"$top_srcdir/docs/guide-en.md" | sed '/journalctl/d' > "$WORK/try.sh"
before=$(grep -c ": verdict=" "$LOG")
bash "$WORK/try.sh" > "$WORK/try.out" 2>&1; rc=$?
t "the guide's first test runs as written (status $rc)" '[ $rc = 0 ] && grep -q swaks "$WORK/try.sh"'
t "and vigie judges it: a verdict line, not a skip as an internal client" \
	'wait_for 5 "[ \$(grep -c \": verdict=\" \"$LOG\") -gt $before ]" && grep -q "verdict=impersonation .*client=127.0.0.2" "$LOG"'

# mail submitted on the host itself (sendmail(1) -> pickup -> cleanup's milters)
msg localsub "local"
/usr/sbin/sendmail -C "$WORK/mx/conf" -f root@bed.test u@other.example < "$WORK/msg/localsub"
wait_for 20 '[ -n "$(dump_of localsub)" ]'
line=$(grep "not checked: .*sender <\{0,1\}root@bed.test" "$LOG" | tail -n 1)
echo "# local submission: ${line:-no skip line}"
# Postfix 3.7 gives cleanup's milters the client 127.0.0.1, not "no address"
t "local submission comes as client 127.0.0.1: skipped by the default InternalHosts" \
	'echo "$line" | grep -q "127.0.0.1: not checked: client in InternalHosts" && [ -n "$(dump_of localsub)" ]'

bed_vigie_stop pol
[ "$BED_FAILS" = 0 ] || sed 's/^/# vigie: /' "$LOG" | tail -20
bed_end
