#!/bin/bash
# sendmail.sh - vigie behind a real Sendmail. Debian's sendmail-bin
# conflicts with Postfix, so it is never installed: sendmail-bin,
# sendmail-base and sendmail-cf are fetched with "apt-get download" into a
# cache under the build tree (tests/e2e/sendmail-debs: a second run
# downloads nothing), extracted with dpkg -x, and a sendmail.cf is built
# with m4 from contrib/sendmail-vigie.mc (its socket path changed) inside a
# minimal .mc. That Sendmail runs on 127.0.0.1 in this test's network
# namespace, queueing only (no delivery: the queue files are read), with
# vigie as its milter (F=T) and a DomainPolicies file. Asserts: a tagged
# message's queue file holds vigie's headers and Subject tag; a rejected one
# gets 550 5.7.1 with the French reply; a quarantined one is held by
# Sendmail with vigie's reason; vigie logs Sendmail's queue id and the
# client address; a client Sendmail marks authenticated ({auth_authen},
# set here by a check_mail rule through the macro map, as SASL would) is
# skipped; no milter error in Sendmail's log. A failed download fails the
# test (no skip). Prints TAP; root only.
set -u
: "${top_srcdir:=$(pwd)}"
. "$top_srcdir/tests/e2e/bed.sh"
# the download needs Debian's archive: before the private network namespace
cache=$top_builddir/tests/e2e/sendmail-debs
if [ "$(id -u)" = 0 ] && [ -z "${VIGIE_BED_NETNS:-}" ] &&
   ! ls "$cache"/sendmail-bin_*.deb "$cache"/sendmail-cf_*.deb "$cache"/sendmail-base_*.deb \
	> /dev/null 2>&1; then
	mkdir -p "$cache"
	(cd "$cache" && apt-get download -q sendmail-bin sendmail-cf sendmail-base) \
		> "$cache/download.log" 2>&1
fi
# Sendmail refuses a milter socket under a world-writable directory (/tmp):
# vigie's goes on a tmpfs of this test's own mount namespace
if [ "$(id -u)" = 0 ] && [ -z "${VIGIE_SM_MNTNS:-}" ] && unshare -m true 2> /dev/null; then
	exec unshare -m --propagation private env VIGIE_SM_MNTNS=1 bash "$0" "$@"
fi
bed_begin "$0" "$@"
[ -n "${VIGIE_SM_MNTNS:-}" ] || bed_skip "needs a private mount namespace"
mount -t tmpfs -o mode=0755 tmpfs /mnt || bed_skip "cannot mount a tmpfs on /mnt here"
RUN=/mnt/vigie
mkdir -p "$RUN"
chown nobody "$RUN"
[ -x "$top_builddir/milter/vigie" ] || bed_skip "milter/vigie is not built"
command -v m4 > /dev/null || bed_skip "m4 is not installed"
command -v swaks > /dev/null || bed_skip "swaks is not installed"
[ -n "${VIGIE_BED_NETNS:-}" ] || bed_skip "needs a private network namespace"
SMPORT=$((BED_PORT + 25))

# ---- Sendmail, extracted from Debian's packages (cached) ----
cache=$top_builddir/tests/e2e/sendmail-debs
got=$(ls "$cache"/sendmail-*.deb 2> /dev/null | wc -l)
t "sendmail-bin, -cf and -base are in the cache ($cache)" '[ "$got" -ge 3 ]'
if [ "$got" -lt 3 ]; then
	sed 's/^/# /' "$cache/download.log"
	echo "Bail out! apt-get download of Sendmail failed"
	exit 1
fi
SM=$WORK/sm
for d in "$cache"/sendmail-*.deb; do dpkg-deb -x "$d" "$SM"; done
sendmail=$SM/usr/libexec/sendmail/sendmail
chmod g-s "$sendmail"		# set-group-ID smmsp: not wanted, nor that group here
cfdir=$SM/usr/share/sendmail/cf
# a qualified host name of its own, in a hosts file of its own: without
# one Sendmail sleeps, waiting for DNS to tell it its name
printf '127.0.0.1 mx.sendmail.test localhost\n' > "$WORK/hosts"
sm() { unshare -u sh -c 'hostname mx.sendmail.test && exec "$@"' sm "$sendmail" "$@"; }

# ---- vigie: tags by default, rejects or quarantines per recipient domain ----
printf '*  SubjectTag="[USURPATION ?]"\nreject.example  ImpersonationAction=reject\nquar.example  ImpersonationAction=quarantine\n' \
	> "$WORK/policies.conf"
chmod 644 "$WORK/policies.conf"
# no AuthservID: Authentication-Results must carry Sendmail's own name (j)
printf 'Socket local:%s\nPidFile %s\nSyslog no\nInternalHosts none\nDKIMVerify always\nDomainPolicies %s\nTestDNS %s\n' \
	"$RUN/sm.sock" "$RUN/sm.pid" "$WORK/policies.conf" "$WORK/empty.zone" > "$WORK/sm.conf"
bed_vigie_start sm
LOG=$WORK/sm.log

# ---- sendmail.cf from contrib/sendmail-vigie.mc ----
Q=$WORK/mqueue
mkdir -p "$Q"
chmod 700 "$Q"
: > "$WORK/aliases"
printf 'hosts files\naliases files\n' > "$WORK/service.switch"
sed "s|local:/run/vigie/vigie.sock|local:$RUN/sm.sock|" "$top_srcdir/contrib/sendmail-vigie.mc" \
	> "$WORK/vigie-snippet.mc"
cat > "$WORK/test.mc" <<EOF2
divert(-1)
define(\`_CF_DIR_', \`$cfdir/')
divert(0)dnl
include(\`$cfdir/m4/cf.m4')dnl
VERSIONID(\`vigie test')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`mx.sendmail.test')dnl
define(\`QUEUE_DIR', \`$Q')dnl
define(\`confPID_FILE', \`$WORK/sendmail.pid')dnl
define(\`STATUS_FILE', \`$WORK/statistics')dnl
define(\`ALIAS_FILE', \`$WORK/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$WORK/service.switch')dnl
define(\`confHOSTS_FILE', \`$WORK/hosts')dnl
define(\`confDELIVERY_MODE', \`queueonly')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confLOG_LEVEL', \`14')dnl
define(\`confDONT_BLAME_SENDMAIL', \`GroupWritableDirPathSafe,NonRootSafeAddr')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`nocanonify')dnl
DAEMON_OPTIONS(\`Port=$SMPORT, Addr=127.0.0.1, Name=MTA')dnl
include(\`$WORK/vigie-snippet.mc')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
LOCAL_CONFIG
Kvigiemacro macro
LOCAL_RULESETS
SLocal_check_mail
R\$*		\$: \$&{client_addr}
R127.0.0.3	\$: \$(vigiemacro {auth_authen} \$@ alice \$) OK
EOF2
m4 "$WORK/test.mc" > "$WORK/sendmail.cf" 2> "$WORK/m4.err"
t "m4 builds a sendmail.cf with contrib/sendmail-vigie.mc in it" \
	'[ -s "$WORK/sendmail.cf" ] && ! grep -v "promiscuous_relay\|relay.  Do NOT" "$WORK/m4.err" | grep -q . && grep -q "^Xvigie, S=local:$RUN/sm.sock, F=T" "$WORK/sendmail.cf"'
sed 's/^/# m4: /' "$WORK/m4.err"

t "the extracted Sendmail runs on it ($(sm -C "$WORK/sendmail.cf" -d0.1 -bt < /dev/null 2>&1 | sed -n 's/^Version //p' | head -n 1))" \
	'sm -C "$WORK/sendmail.cf" -d0.1 -bt < /dev/null 2>&1 | grep -q "^Version 8\."'
sm -C "$WORK/sendmail.cf" -bD -L sm-vigie -OErrorMode=p > "$WORK/sendmail.out" 2>&1 &
SM_PID=$!
BED_PIDS="$BED_PIDS $SM_PID"
wait_for 20 "bed_listening $SMPORT" || { echo "Bail out! Sendmail did not start"; sed 's/^/# /' "$WORK/sendmail.out"; exit 1; }

msg() { # name
	printf 'From: "Viamedis" <paiement@xn--viamdis-eya.fr>\nTo: opticien@example.net\nSubject: Votre paiement %s\nMessage-ID: <%s@sm.test>\n\nBonjour,\nMerci de confirmer votre RIB sur notre espace.\n' \
		"$1" "$1" > "$WORK/msg/$1"
}
send() { # name from-address recipient -> rc, $WORK/swaks.NAME
	msg "$1"
	swaks --server 127.0.0.1 --port "$SMPORT" --local-interface "$2" --from x@xn--viamdis-eya.fr \
		--to "$3" --data "$WORK/msg/$1" --helo client.sm.test --timeout 30 > "$WORK/swaks.$1" 2>&1
	rc=$?
}
qf_of() { grep -l -F "<$1@sm.test>" "$Q"/qf* "$Q"/hf* 2> /dev/null | head -n 1; }

send tag 127.0.0.2 u@example.net
f=$(qf_of tag)
t "tag: accepted (status $rc) and queued" '[ $rc = 0 ] && [ -n "$f" ]'
t "tag: the queue file holds vigie's headers and the Subject tag" \
	'grep -q "^H??X-Vigie-Verdict: impersonation score=" "$f" && grep -q "^H??X-Vigie-Reasons: " "$f" && grep -q "^H??Subject: \[USURPATION ?\] Votre paiement tag" "$f"'
qid=$(basename "$f" | cut -c3-)
t "vigie logs Sendmail's queue id ($qid) and the client address" \
	'grep -q "$qid: verdict=impersonation .*client=127.0.0.2" "$LOG"'
t "Authentication-Results names Sendmail's host (the j macro: AuthservID unset)" \
	'grep -q "^H??Authentication-Results: mx.sendmail.test; dkim=none" "$f"'

send rej 127.0.0.2 u@reject.example
t "reject: 550 5.7.1 with vigie's French reply (status $rc)" \
	'[ $rc != 0 ] && grep -q "<\*\* 550 5.7.1 Message refuse : usurpation probable de Viamedis" "$WORK/swaks.rej"'
t "reject: nothing queued" '[ -z "$(qf_of rej)" ]'

send quar 127.0.0.2 u@quar.example
f=$(qf_of quar)
t "quarantine: accepted (status $rc), held by Sendmail (hf file) with vigie's reason" \
	'[ $rc = 0 ] && [ -n "$f" ] && case "$f" in */hf*) true ;; *) false ;; esac && grep -q "^qvigie: impersonation score=" "$f"'

send auth 127.0.0.3 u@example.net
t "a client Sendmail calls authenticated ({auth_authen}) is skipped (SkipAuthenticated)" \
	'[ $rc = 0 ] && grep -q "127.0.0.3: not checked: authenticated client (SkipAuthenticated)" "$LOG"'

t "Sendmail logged no milter error" '! grep -Eiq "milter.*(error|timeout|unavailable)" "$WORK/sendmail.out"'
kill -TERM "$SM_PID"
bed_vigie_stop sm
[ "$BED_FAILS" = 0 ] && [ "${KEEP:-0}" != 1 ] || { sed 's/^/# sendmail: /' "$WORK/sendmail.out" | tail -20; sed 's/^/# vigie: /' "$LOG" | tail -20; }
bed_end
