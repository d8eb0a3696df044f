/*
 * nullmilter - a libmilter filter that analyses nothing: the floor any
 * libmilter filter costs the MTA, against which vigie's own cost is read.
 *
 *	nullmilter [-n] [-d] [-H COUNT] SOCKET [PIDFILE]
 *
 * Negotiates what vigie negotiates (no HELO, RCPT, unknown-command or DATA
 * events, no replies to headers and end of headers, SKIP, byte-exact
 * header values; DATA kept on TCP sockets, TCP_NODELAY like vigie's), skips
 * the body, adds COUNT headers (1) at end of message and accepts. Runs in
 * the foreground until SIGTERM.
 *
 * To show each side of the loopback-TCP stall (tests/bench/README): -n
 * leaves Nagle on the filter's socket (its several replies at end of
 * message then wait for the MTA's delayed ACK); -d drops the DATA step on
 * TCP too (the MTA's writes then wait for the filter's delayed ACK).
 *
 * May touch: the socket, the PID file. Exit status: 0 after a clean stop,
 * 1 if libmilter fails, 2 for bad usage.
 */
#include <config.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static bool nullmilter_tcp;	/* keep the DATA step */
static int nullmilter_headers = 1;

/* nullmilter_negotiate - the steps and replies vigie asks for */
static sfsistat nullmilter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
				     unsigned long f2, unsigned long f3, unsigned long *pf0,
				     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long steps = SMFIP_NOHELO | SMFIP_NORCPT | SMFIP_NOUNKNOWN | SMFIP_NODATA |
			      SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_SKIP | SMFIP_HDR_LEADSPC;

	(void)ctx;
	(void)f2;
	(void)f3;
	if (nullmilter_tcp)
		steps &= ~(unsigned long)SMFIP_NODATA;
	*pf0 = f0 & SMFIF_ADDHDRS;
	*pf1 = f1 & steps;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* nullmilter_header - nothing to look at; no reply was negotiated */
static sfsistat nullmilter_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_NOREPLY;
}

/* nullmilter_eoh - no reply was negotiated */
static sfsistat nullmilter_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_NOREPLY;
}

/* nullmilter_body - the body is not needed */
static sfsistat nullmilter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	(void)ctx;
	(void)chunk;
	(void)len;
	return SMFIS_SKIP;
}

/* nullmilter_eom - the headers a tagging filter adds */
static sfsistat nullmilter_eom(SMFICTX *ctx)
{
	for (int i = 0; i < nullmilter_headers; i++)
		smfi_addheader(ctx, "X-Null-Milter", " seen");
	return SMFIS_CONTINUE;
}

/* nullmilter_nodelay - TCP_NODELAY on libmilter's TCP listener, as vigie sets it */
static void nullmilter_nodelay(void)
{
	for (int fd = 0; fd < 64; fd++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int on = 0, one = 1;
		socklen_t olen = sizeof(on);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) != 0 || !on)
			continue;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
		    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6))
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
}

/* nullmilter_usage - the synopsis; exits 2 */
static void nullmilter_usage(void)
{
	fprintf(stderr, "usage: nullmilter [-n] [-d] [-H COUNT] SOCKET [PIDFILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "nullmilter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS,
		.xxfi_header = nullmilter_header,
		.xxfi_eoh = nullmilter_eoh,
		.xxfi_body = nullmilter_body,
		.xxfi_eom = nullmilter_eom,
		.xxfi_negotiate = nullmilter_negotiate,
	};

	bool nagle = false, nodata = false;
	const char *spec, *pidfile;
	int ch;

	while ((ch = getopt(argc, argv, "ndH:")) != -1) {
		switch (ch) {
		case 'n':
			nagle = true;
			break;
		case 'd':
			nodata = true;
			break;
		case 'H':
			nullmilter_headers = atoi(optarg);
			if (nullmilter_headers < 0 || nullmilter_headers > 100)
				nullmilter_usage();
			break;
		default:
			nullmilter_usage();
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		nullmilter_usage();
	spec = argv[optind];
	pidfile = argv[optind + 1];
	nullmilter_tcp = strncmp(spec, "inet", 4) == 0 && !nodata;
	if (smfi_register(desc) != MI_SUCCESS || smfi_setconn((char *)spec) != MI_SUCCESS ||
	    smfi_opensocket(true) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", spec);
		return 1;
	}
	if (strncmp(spec, "inet", 4) == 0 && !nagle)
		nullmilter_nodelay();
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");

		if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
			perror(pidfile);
			return 1;
		}
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
