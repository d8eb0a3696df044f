/*
 * resolver - DNS lookups (TXT, A, AAAA, MX, PTR) with glibc's res_nsend on a
 * resolver state owned by each query, against the nameservers given (or
 * those of resolv.conf, read once when the resolver is built).
 *
 * Touches: the network (UDP, and TCP after a truncated reply, to the
 * nameservers); /etc/resolv.conf. The servers are asked one after the
 * other, each within its share of what is left of the lookup's time, so a
 * lookup never outlasts the timeout nor the caller's deadline. Replies are
 * asked for with EDNS0 (1232 bytes); a truncated one is asked again over
 * TCP by vigie's own code (glibc's TCP path has no timeout on connect or
 * read), within the same share. Failures are statuses, never crashes.
 * An IPv6 server is read from and written to glibc's private
 * _u._ext.nsaddrs (there is no public interface for it): docs/security.md
 * says what would break it and which test notices.
 */
#include <config.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dnsanswer.h"
#include "dnsname.h"
#include "resolver.h"
#include "xalloc.h"

#define RESOLVER_EDNS_SIZE 1232		/* avoids IP fragmentation (DNS flag day 2020) */
#define RESOLVER_PACKET 4096
#define RESOLVER_TCP_PACKET 65535	/* the most a TCP reply can say it holds */
#define RESOLVER_SLACK_MS 20		/* a wait may end this much past its deadline */

struct resolver {
	struct sockaddr_storage server[RESOLVER_MAX_SERVERS];
	size_t nservers;
	unsigned timeout;		/* seconds */
};

/* resolver_now_ms - monotonic clock in milliseconds */
int64_t resolver_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* resolver_parse_port - a decimal port 1..65535 */
static int resolver_parse_port(const char *s, size_t len)
{
	int port = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535 ? port : -1;
}

/* resolver_parse_one - "1.2.3.4", "1.2.3.4:53", "::1", "[::1]", "[::1]:53" */
static int resolver_parse_one(const char *s, size_t len, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end = s + len;
	size_t hlen;
	int portnum = NAMESERVER_PORT;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return -1;
		hlen = (size_t)(close - s - 1);
		if (close + 1 < end) {
			if (close[1] != ':')
				return -1;
			port = close + 2;
		}
		s++;
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) == NULL) {
			hlen = (size_t)(colon - s);
			port = colon + 1;
		} else {
			hlen = len;
		}
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (port != NULL && (portnum = resolver_parse_port(port, (size_t)(end - port))) < 0)
		return -1;

	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)portnum);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)portnum);
		return 0;
	}
	return -1;
}

/* resolver_parse_list - the Nameservers option: addresses separated by commas */
static int resolver_parse_list(struct resolver *r, const char *list, char *err, size_t errlen)
{
	const char *p = list;

	while (*p != '\0') {
		const char *start, *stop;

		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		stop = p;
		while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		if (stop == start) {
			snprintf(err, errlen, "Nameservers: empty entry");
			return -1;
		}
		if (r->nservers == RESOLVER_MAX_SERVERS) {
			snprintf(err, errlen, "Nameservers: at most %d servers", RESOLVER_MAX_SERVERS);
			return -1;
		}
		if (resolver_parse_one(start, (size_t)(stop - start), &r->server[r->nservers]) < 0) {
			snprintf(err, errlen, "Nameservers: bad address \"%.*s\"",
				 (int)(stop - start > 64 ? 64 : stop - start), start);
			return -1;
		}
		r->nservers++;
		if (*p == ',')
			p++;
	}
	if (r->nservers == 0) {
		snprintf(err, errlen, "Nameservers: no address given");
		return -1;
	}
	return 0;
}

/* resolver_system - the nameservers of resolv.conf, as glibc reads them */
static int resolver_system(struct resolver *r, char *err, size_t errlen)
{
	struct __res_state st;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0) {
		snprintf(err, errlen, "cannot read the system resolver configuration");
		res_nclose(&st);
		return -1;
	}
	for (int i = 0; i < st.nscount && r->nservers < RESOLVER_MAX_SERVERS; i++) {
		struct sockaddr_storage *ss = &r->server[r->nservers];

		memset(ss, 0, sizeof(*ss));
		if (st.nsaddr_list[i].sin_family == AF_INET)
			memcpy(ss, &st.nsaddr_list[i], sizeof(struct sockaddr_in));
		else if (st._u._ext.nsaddrs[i] != NULL)
			memcpy(ss, st._u._ext.nsaddrs[i], sizeof(struct sockaddr_in6));
		else
			continue;
		r->nservers++;
	}
	res_nclose(&st);
	if (r->nservers == 0) {
		snprintf(err, errlen, "no nameserver in the system resolver configuration");
		return -1;
	}
	return 0;
}

/* resolver_new - parse Nameservers (NULL: resolv.conf) and DNSTimeout (0: default) */
struct resolver *resolver_new(const char *nameservers, unsigned timeout, char *err, size_t errlen)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	int status;

	if (timeout > RESOLVER_TIMEOUT_MAX) {
		snprintf(err, errlen, "DNSTimeout: at most %d seconds", RESOLVER_TIMEOUT_MAX);
		free(r);
		return NULL;
	}
	r->timeout = timeout ? timeout : RESOLVER_TIMEOUT_DEFAULT;
	if (nameservers != NULL)
		status = resolver_parse_list(r, nameservers, err, errlen);
	else
		status = resolver_system(r, err, errlen);
	if (status < 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* resolver_free - release a resolver no query uses any more */
void resolver_free(struct resolver *r)
{
	free(r);
}

/* resolver_timeout - seconds a lookup may take */
unsigned resolver_timeout(const struct resolver *r)
{
	return r->timeout;
}

/* resolver_servers - how many nameservers are asked */
size_t resolver_servers(const struct resolver *r)
{
	return r->nservers;
}

/* resolver_add_edns - append an OPT record asking for replies up to 1232 bytes */
static int resolver_add_edns(unsigned char *q, int qlen, int qsize)
{
	static const unsigned char opt[11] = {
		0, 0, 41, RESOLVER_EDNS_SIZE >> 8, RESOLVER_EDNS_SIZE & 0xff, 0, 0, 0, 0, 0, 0
	};
	unsigned arcount;

	if (qlen < HFIXEDSZ || qlen + (int)sizeof(opt) > qsize)
		return -1;
	memcpy(q + qlen, opt, sizeof(opt));
	arcount = ((unsigned)q[10] << 8 | q[11]) + 1;
	q[10] = (unsigned char)(arcount >> 8);
	q[11] = (unsigned char)arcount;
	return qlen + (int)sizeof(opt);
}

/* resolver_use_server - make ss the one server of a fresh resolver state */
static int resolver_use_server(struct __res_state *st, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		memcpy(&st->nsaddr_list[0], ss, sizeof(struct sockaddr_in));
	} else {
		/* glibc keeps IPv6 servers out of nsaddr_list, as res_init does */
		if (st->_u._ext.nsaddrs[0] == NULL)
			st->_u._ext.nsaddrs[0] = malloc(sizeof(struct sockaddr_in6));
		if (st->_u._ext.nsaddrs[0] == NULL)
			return -1;
		memcpy(st->_u._ext.nsaddrs[0], ss, sizeof(struct sockaddr_in6));
		st->nsaddr_list[0].sin_family = 0;
	}
	st->nscount = 1;
	return 0;
}

/* resolver_ask - one query to one server over UDP, waiting at most seconds */
static enum resolver_status resolver_ask(const struct sockaddr_storage *ss, const unsigned char *q,
					 int qlen, int seconds, unsigned char *ans, int *anslen)
{
	struct __res_state st;
	enum resolver_status status = RESOLVER_OK;
	int64_t start = resolver_now_ms();
	int n;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0) {
		res_nclose(&st);
		return RESOLVER_UNREACHABLE;
	}
	st.retrans = seconds;
	st.retry = 1;
	st.options |= RES_IGNTC;
	st.options &= ~(unsigned long)(RES_ROTATE | RES_USEVC | RES_STAYOPEN);
	if (resolver_use_server(&st, ss) < 0) {
		res_nclose(&st);
		return RESOLVER_UNREACHABLE;
	}
	errno = 0;
	n = res_nsend(&st, q, qlen, ans, RESOLVER_PACKET);
	if (n < 0) {
		/* glibc reports a SERVFAIL or REFUSED reply as a timeout: tell by the clock */
		if (errno == ECONNREFUSED)
			status = RESOLVER_UNREACHABLE;
		else if (resolver_now_ms() - start < (int64_t)seconds * 1000 - 100)
			status = RESOLVER_SERVFAIL;
		else
			status = RESOLVER_TIMEOUT;
	} else {
		*anslen = n;
	}
	res_nclose(&st);
	return status;
}

/* resolver_query - the query for name and type, with EDNS0; its length, or -1 */
static int resolver_query(const char *name, int type, unsigned char *q, int qsize)
{
	struct __res_state st;
	int qlen;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0) {
		res_nclose(&st);
		return -1;
	}
	qlen = res_nmkquery(&st, QUERY, name, C_IN, type, NULL, 0, NULL, q, qsize);
	res_nclose(&st);
	return qlen > 0 ? resolver_add_edns(q, qlen, qsize) : -1;
}

/* resolver_wait - poll fd for events until end (monotonic ms); false on timeout */
static bool resolver_wait(int fd, short events, int64_t end)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		int64_t left = end - resolver_now_ms();
		int n;

		if (left <= 0)
			return false;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return true;
		if (n == 0 || errno != EINTR)
			return false;
	}
}

/* resolver_io - all of len bytes written (write) or read, before end */
static enum resolver_status resolver_io(int fd, unsigned char *buf, size_t len, bool write,
					int64_t end)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;

		if (!resolver_wait(fd, write ? POLLOUT : POLLIN, end))
			return RESOLVER_TIMEOUT;
		n = write ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
			  : recv(fd, buf + done, len - done, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return RESOLVER_TRUNCATED;
		done += (size_t)n;
	}
	return RESOLVER_OK;
}

/*
 * resolver_tcp - the query again over TCP (RFC 7766) after a truncated UDP
 * reply: a non-blocking socket, every step bounded by end. A TCP failure
 * other than the clock leaves the answer truncated.
 */
static enum resolver_status resolver_tcp(const struct sockaddr_storage *ss, const unsigned char *q,
					 int qlen, int64_t end, unsigned char *ans, int *anslen)
{
	socklen_t sslen = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in)
						   : sizeof(struct sockaddr_in6);
	unsigned char len2[2] = { (unsigned char)(qlen >> 8), (unsigned char)qlen };
	enum resolver_status st = RESOLVER_TRUNCATED;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int soerr = 0;
	socklen_t soerrlen = sizeof(soerr);
	size_t n;

	if (fd < 0)
		return RESOLVER_TRUNCATED;
	if (connect(fd, (const struct sockaddr *)ss, sslen) < 0) {
		if (errno != EINPROGRESS)
			goto out;
		if (!resolver_wait(fd, POLLOUT, end)) {
			st = RESOLVER_TIMEOUT;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerrlen) < 0 || soerr != 0)
			goto out;
	}
	if ((st = resolver_io(fd, len2, 2, true, end)) != RESOLVER_OK ||
	    (st = resolver_io(fd, (unsigned char *)q, (size_t)qlen, true, end)) != RESOLVER_OK ||
	    (st = resolver_io(fd, len2, 2, false, end)) != RESOLVER_OK)
		goto out;
	n = (size_t)len2[0] << 8 | len2[1];
	if (n < HFIXEDSZ) {
		st = RESOLVER_BADREPLY;
		goto out;
	}
	if ((st = resolver_io(fd, ans, n, false, end)) == RESOLVER_OK)
		*anslen = (int)n;
out:
	close(fd);
	return st;
}

/* resolver_from - one server's answer within seconds: UDP, then TCP if truncated */
static enum resolver_status resolver_from(const struct sockaddr_storage *ss, const unsigned char *q,
					  int qlen, int type, int seconds, int64_t end,
					  struct dnsanswer *a)
{
	unsigned char ans[RESOLVER_PACKET], *tcpbuf;
	int anslen = 0;
	int64_t share_end = resolver_now_ms() + (int64_t)seconds * 1000;
	enum resolver_status s = resolver_ask(ss, q, qlen, seconds, ans, &anslen);

	if (s != RESOLVER_OK)
		return s;
	s = dnsanswer_parse(a, type, ans, anslen);
	if (s != RESOLVER_TRUNCATED)
		return s;
	if (share_end > end)
		share_end = end;
	/* the 64 KB only for a truncated reply; truncated again over TCP: no third try */
	tcpbuf = xmalloc(RESOLVER_TCP_PACKET);
	if ((s = resolver_tcp(ss, q, qlen, share_end, tcpbuf, &anslen)) != RESOLVER_OK)
		a->status = s;
	else
		s = dnsanswer_parse(a, type, tcpbuf, anslen);
	free(tcpbuf);
	return s;
}

/*
 * resolver_lookup - the records of one type for name, into a: the servers
 * in turn, each within its share of the time left before the timeout or
 * the caller's deadline (deadline_ms, 0 for none).
 */
enum resolver_status resolver_lookup(const struct resolver *r, const char *name, int type,
				     int64_t deadline_ms, struct dnsanswer *a)
{
	unsigned char q[512];
	enum resolver_status status = RESOLVER_TIMEOUT;
	int64_t now = resolver_now_ms(), end = now + (int64_t)r->timeout * 1000;
	int qlen;

	dnsanswer_init(a, type);
	if (!dnsname_ok(name, strlen(name)) || (qlen = resolver_query(name, type, q, sizeof(q))) < 0)
		return a->status = RESOLVER_BADNAME;
	if (deadline_ms > 0 && deadline_ms < end)
		end = deadline_ms;
	for (size_t i = 0; i < r->nservers; i++) {
		int64_t left = end - now;
		int64_t share = left / (int64_t)(r->nservers - i);
		int seconds;
		enum resolver_status s;

		/*
		 * glibc waits in whole seconds: never start a wait that would
		 * overrun by more than the slack (the clock moves between the
		 * reads: 1999 ms left must still be a 2 s wait, not 1)
		 */
		if (left + RESOLVER_SLACK_MS < 1000)
			break;
		seconds = share + RESOLVER_SLACK_MS >= 1000 ? (int)((share + RESOLVER_SLACK_MS) / 1000) : 1;
		s = resolver_from(&r->server[i], q, qlen, type, seconds, end, a);
		now = resolver_now_ms();
		if (s == RESOLVER_OK || s == RESOLVER_NXDOMAIN || s == RESOLVER_NODATA ||
		    s == RESOLVER_TOOLONG || s == RESOLVER_BADNAME)
			return a->status = s;
		/* another server may do better; keep the most telling failure */
		if (status == RESOLVER_TIMEOUT || s != RESOLVER_UNREACHABLE)
			status = s;
	}
	dnsanswer_init(a, type);
	return a->status = status;
}

/* resolver_reply - read a reply: its status and its first TXT record */
enum resolver_status resolver_reply(const unsigned char *ans, int len, char *out,
				    size_t outsize, unsigned *records)
{
	struct dnsanswer *a = xmalloc(sizeof(*a));
	enum resolver_status st;

	dnsanswer_parse(a, DNS_T_TXT, ans, len);
	*records = (unsigned)a->n;
	st = dnsanswer_first_text(a, out, outsize);
	free(a);
	return st;
}

/* resolver_txt - the first TXT record of name, its count in *records */
enum resolver_status resolver_txt(const struct resolver *r, const char *name,
				  int64_t deadline_ms, char *out, size_t outsize,
				  unsigned *records)
{
	struct dnsanswer *a;
	enum resolver_status st;

	*records = 0;
	if (outsize == 0 || !dnsname_ok(name, strlen(name)))
		return RESOLVER_BADNAME;
	out[0] = '\0';
	a = xmalloc(sizeof(*a));
	resolver_lookup(r, name, DNS_T_TXT, deadline_ms, a);
	*records = (unsigned)a->n;
	st = dnsanswer_first_text(a, out, outsize);
	free(a);
	return st;
}

/* resolver_status_text - a few words for logs and Authentication-Results */
const char *resolver_status_text(enum resolver_status status)
{
	switch (status) {
	case RESOLVER_OK:
		return "ok";
	case RESOLVER_NXDOMAIN:
		return "no such name";
	case RESOLVER_NODATA:
		return "no record of the type asked";
	case RESOLVER_SERVFAIL:
		return "DNS server failure";
	case RESOLVER_UNREACHABLE:
		return "DNS server unreachable";
	case RESOLVER_TIMEOUT:
		return "DNS timeout";
	case RESOLVER_TRUNCATED:
		return "DNS reply truncated";
	case RESOLVER_BADREPLY:
		return "malformed DNS reply";
	case RESOLVER_BADNAME:
		return "bad DNS name";
	case RESOLVER_TOOLONG:
		return "DNS record too long";
	}
	return "unknown DNS error";
}
