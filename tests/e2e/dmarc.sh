#!/bin/bash
# dmarc.sh - vigie side by side with the reference peers in one real
# Postfix: opendkim (verification) then opendmarc (SPFSelfValidate, reading
# opendkim's results) then vigie, as smtpd_milters, on the messages of
# tests/data/auth, each sent by swaks from its own client address (added to
# the loopback), HELO and envelope sender (tests/data/auth/cases). The
# records come from a dnsmasq on 127.0.0.1:53 (tests/data/auth/zone through
# zone2dnsmasq.py) that all three ask: /etc/resolv.conf is bind-mounted in a
# mount namespace of this test only. Asserts: every message is delivered;
# vigie's verdict is the MANIFEST's; vigie's dmarc= is opendmarc's on every
# message, except where the table below names the difference and the RFC
# rule behind it. The comparison is printed (# lines) for the record.
# Needs root, Postfix, opendkim, opendmarc, dnsmasq, swaks. Prints TAP.
set -u
: "${top_srcdir:=$(pwd)}" "${PYTHON3:=/usr/bin/python3}"
export top_srcdir
# network and mount namespaces of our own: loopback only, our resolv.conf
if [ -z "${VIGIE_BED_NETNS:-}" ] && [ "$(id -u)" = 0 ] && unshare -n -m true 2>/dev/null; then
	exec unshare -n -m env VIGIE_BED_NETNS=1 VIGIE_DMARC_MNTNS=1 bash "$0" "$@"
fi
. "$top_srcdir/tests/e2e/bed.sh"
. "$top_srcdir/tests/dnsd.sh"
bed_begin "$0" "$@"
[ -n "${VIGIE_DMARC_MNTNS:-}" ] || bed_skip "needs network and mount namespaces (unshare -n -m)"
[ -x "$top_builddir/milter/vigie" ] || bed_skip "milter/vigie is not built"
for p in /usr/sbin/opendkim /usr/sbin/opendmarc /usr/bin/swaks; do
	[ -x "$p" ] || bed_skip "$p is not installed"
done
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || bed_skip "dnsmasq is not installed"
DATA=$top_srcdir/tests/data/auth
SMTP=$((BED_PORT + 25)) SINKPORT=$((BED_PORT + 30)) FAIL=$((BED_PORT + 54))

# vigie's dmarc= differs from opendmarc's here, by design (vigie-scoring(7),
# "Compared with OpenDMARC", says why): FILE VIGIE OPENDMARC RFC-RULE
DIFFERENCES="dmarc-temperror.eml temperror none RFC-7489-11.2:a-DNS-failure-is-temperror,-not-no-record
dmarc-two-records.eml none fail RFC-7489-6.6.3:several-records-mean-no-DMARC,-not-the-first"

# ---- DNS: dnsmasq on port 53, a server answering SERVFAIL, resolv.conf ----
for ip in 192.0.2.10 192.0.2.11 192.0.2.25 192.0.2.80 192.0.2.254 198.18.0.5 203.0.113.7 203.0.113.200; do
	ip addr add "$ip/32" dev lo || { echo "Bail out! cannot add $ip to lo"; exit 1; }
done
dnsd_servfail "$FAIL"
BED_PIDS="$BED_PIDS $!"
dnsd_auth_zone "$WORK" 53 "$FAIL" "$FAIL"
BED_PIDS="$BED_PIDS $!"
dnsd_wait 10 53 ||
	{ echo "Bail out! dnsmasq did not start: $(head -3 "$WORK/dnsmasq.err")"; exit 1; }
echo "nameserver 127.0.0.1" > "$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || { echo "Bail out! cannot bind-mount resolv.conf"; exit 1; }

# ---- the peers: opendkim verifies, opendmarc reads its results ----
cat > "$WORK/opendkim.conf" <<CONF
Mode v
Socket local:$RUN/opendkim.sock
PidFile $RUN/opendkim.pid
AuthservID mx.peer.test
AlwaysAddARHeader yes
Nameservers 127.0.0.1
UserID nobody
UMask 000
Syslog no
CONF
cat > "$WORK/opendmarc.conf" <<CONF
Socket local:$RUN/opendmarc.sock
PidFile $RUN/opendmarc.pid
AuthservID mx.peer.test
TrustedAuthservIDs mx.peer.test
SPFSelfValidate true
SPFIgnoreResults true
PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat
RejectFailures false
UserID nobody
UMask 000
Syslog false
CONF
/usr/sbin/opendkim -f -x "$WORK/opendkim.conf" 2>"$WORK/opendkim.log" &
BED_PIDS="$BED_PIDS $!"
/usr/sbin/opendmarc -f -c "$WORK/opendmarc.conf" 2>"$WORK/opendmarc.log" &
BED_PIDS="$BED_PIDS $!"
wait_for 10 "[ -S '$RUN/opendkim.sock' ] && [ -S '$RUN/opendmarc.sock' ]" ||
	{ echo "Bail out! the peers did not start: $(cat "$WORK"/opendkim.log "$WORK"/opendmarc.log | head -5)"; exit 1; }

bed_sink "$SINKPORT"
bed_vigie dmarc "DKIMVerify always
SPFVerify always
Nameservers 127.0.0.1
DNSTimeout 2"
# the test's clients relay to the recipient's domain only (main-common.cf keeps
# mynetworks to loopback)
bed_postfix mx "$SMTP" "$SINKPORT" \
	"unix:$RUN/opendkim.sock, unix:$RUN/opendmarc.sock, unix:$RUN/dmarc.sock" accept \
	"relay_domains = officine-lefevre.fr"

# ---- each message from its own client, four at a time; X-Case names it ----
sent=0 senders=
while read -r file ip helo from opts; do
	case $file in ''|\#*) continue ;; esac
	case $opts in *--brands*|*--config*) continue ;; esac	# a pack or relay of their own
	# (added below the signed fields: no signature covers X-Case)
	swaks --server 127.0.0.1 --port "$SMTP" --local-interface "$ip" --helo "$helo" \
		--from "$from" --to pharmacie@officine-lefevre.fr --data "$DATA/$file" \
		--add-header "X-Case: $file" --timeout 30 >"$WORK/swaks.$file" 2>&1 &
	senders="$senders $!"
	sent=$((sent + 1))
	if [ $((sent % 4)) = 0 ]; then
		for p in $senders; do wait "$p"; done
		senders=
	fi
	echo "$file" >> "$WORK/sent"
done < "$DATA/cases"
for p in $senders; do wait "$p"; done
wait_for 30 '[ "$(sink_count)" -ge "$sent" ]'
t "all $sent messages delivered ($(sink_count) at the sink)" '[ "$(sink_count)" = "$sent" ]'

# ---- compare ----
"$PYTHON3" - "$SINK" "$DATA" "$WORK/sent" "$DIFFERENCES" > "$WORK/compare" <<'PY'
import glob, os, re, sys
sink, data, sent, diffs = sys.argv[1:5]
known = {}
for line in diffs.splitlines():
    f, v, o, why = line.split()
    known[f] = (v, o, why.replace("-", " "))
verdicts = {}
for line in open(os.path.join(data, "MANIFEST")):
    p = line.split()
    if p and not p[0].startswith("#"):
        verdicts[p[0]] = p[1]
cases = set(open(sent).read().split())
def fields(raw):
    head = raw.split("\n\n", 1)[0]
    return [re.sub(r"\s+", " ", x) for x in re.findall(r"^([A-Za-z-]+:.*(?:\n[ \t].*)*)", head, re.M)]
for path in sorted(glob.glob(os.path.join(sink, "*"))):
    raw = open(path, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
    m = re.search(r"^X-Case: (\S+)", raw, re.M)
    f = m.group(1) if m and m.group(1) in cases else None
    if f is None:
        continue
    hs = fields(raw)
    ar = [h for h in hs if h.lower().startswith("authentication-results:")]
    vig = " ".join(h for h in ar if "mx.bed.test;" in h)
    peer = " ".join(h for h in ar if "mx.peer.test;" in h and "dmarc=" in h)
    peer_spf = " ".join(h for h in ar if "mx.peer.test;" in h and "spf=" in h)
    verdict = next((h.split()[1] for h in hs if h.startswith("X-Vigie-Verdict:")), "none")
    g = lambda pat, s: (re.search(pat, s) or [None, "-"])[1]
    v, o = g(r"dmarc=(\w+)", vig), g(r"dmarc=(\w+)", peer)
    vs, os_ = g(r"spf=(\w+)", vig), g(r"spf=(\w+)", peer_spf)
    if v == o:
        status, why = "agree", ""
    elif known.get(f, (None, None))[:2] == (v, o):
        status, why = "differ", known[f][2]
    else:
        status, why = "MISMATCH", ""
    print("%s %s vigie=%s opendmarc=%s spf:vigie=%s opendmarc=%s verdict=%s want=%s %s" % (
        status, f, v, o, vs, os_, verdict, verdicts.get(f), why))
PY
while read -r status file rest; do
	echo "# $status $file $rest"
	case $status in
	agree|differ) ;;
	*) BED_FAILS=$((BED_FAILS + 1)) ;;
	esac
done < "$WORK/compare"
t "a comparison line for every message" '[ "$(wc -l < "$WORK/compare")" = "$sent" ]'
t "vigie's dmarc= is opendmarc's on every message but the differences named" \
	'! grep -q "^MISMATCH" "$WORK/compare"'
t "each named difference shows up as named" \
	'[ "$(grep -c "^differ" "$WORK/compare")" = "$(echo "$DIFFERENCES" | wc -l)" ]'
t "vigie's verdicts are the MANIFEST's" \
	'awk "{split(\$7, a, \"=\"); split(\$8, b, \"=\"); if (a[2] != b[2]) bad = 1} END {exit bad}" "$WORK/compare"'
t "Postfix logged no milter error" '! grep -Eiq "warning: milter|milter.*(error|fatal)" "$WORK/mx.maillog"'
bed_vigie_stop dmarc
bed_end
