/*
 * vigie-check - the offline checker: the same detection as the milter, on
 * domain names (--domain) or messages given as files.
 *
 * Touches: the files and standard input it is given, vigie.conf with
 * --config (the daemon's parser: same names, same defaults), the brand pack,
 * the public suffix list, the DKIM test keys, the TestDNS zone or DNS; writes reports to standard output and errors to
 * standard error. Exit status: 0 all clean, 1 some input suspect or an
 * impersonation, 2 usage, configuration or unreadable input.
 */
#include <config.h>

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_mode.h"
#include "conf.h"
#include "detector.h"

/* usage - the synopsis of vigie-check(1) */
static void usage(FILE *f)
{
	fputs("usage: vigie-check [--json] [--brands FILE] [--test-keys FILE] [--test-dns FILE] [--config FILE]\n"
	      "                   [--client-ip ADDR] [--helo NAME] [--mail-from ADDR] FILE...\n"
	      "       vigie-check --explain [--brands FILE] [--test-keys FILE] [--test-dns FILE] [--config FILE]\n"
	      "                   [--client-ip ADDR] [--helo NAME] [--mail-from ADDR] [--rcpt ADDR]... FILE...\n"
	      "       vigie-check [--json] [--brands FILE] --domain DOMAIN...\n"
	      "'-' reads standard input: a message, or one domain per line with --domain.\n"
	      "Exit status: 0 all clean, 1 suspect or impersonation found, 2 error.\n", f);
}

/* check_args - options into o; 0 to go on, 1 when done (--help), 2 on error */
static int check_args(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "brands", required_argument, NULL, 'b' },
		{ "test-keys", required_argument, NULL, 'k' },
		{ "test-dns", required_argument, NULL, 'z' },
		{ "client-ip", required_argument, NULL, 'i' },
		{ "helo", required_argument, NULL, 'H' },
		{ "mail-from", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "domain", no_argument, NULL, 'd' },
		{ "explain", no_argument, NULL, 'e' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'b': o->brands = optarg; break;
		case 'k': o->test_keys = optarg; break;
		case 'z': o->test_dns = optarg; break;
		case 'i': o->client_ip = optarg; break;
		case 'H': o->helo = optarg; break;
		case 'm': o->mail_from = optarg; break;
		case 'c': o->config = optarg; break;
		case 'd': o->domains = true; break;
		case 'e': o->explain = true; break;
		case 'r':
			o->rcpts = realloc(o->rcpts, (o->nrcpts + 1) * sizeof(*o->rcpts));
			if (o->rcpts == NULL) {
				fprintf(stderr, "vigie-check: out of memory\n");
				return 2;
			}
			o->rcpts[o->nrcpts++] = optarg;
			break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("vigie-check %s\n", PACKAGE_VERSION); return 1;
		default:
			fprintf(stderr, "vigie-check: %s: unknown option or missing value\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (o->nrcpts > 0 && !o->explain) {
		fprintf(stderr, "vigie-check: --rcpt gives the envelope recipients to --explain"
			" (DomainPolicies): use it with --explain\n");
		usage(stderr);
		return 2;
	}
	if (o->explain && (o->json || o->domains)) {
		fprintf(stderr, "vigie-check: --explain reports on messages, in text:"
			" not with --json or --domain\n");
		usage(stderr);
		return 2;
	}
	if (o->client_ip != NULL) {
		unsigned char a[16];

		if (inet_pton(AF_INET, o->client_ip, a) != 1 && inet_pton(AF_INET6, o->client_ip, a) != 1) {
			fprintf(stderr, "vigie-check: --client-ip %s: not an IPv4 or IPv6 address\n",
				o->client_ip);
			return 2;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs == 0) {
		fprintf(stderr, "vigie-check: nothing to check\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

/* main - parse the options, load the detector, run the chosen mode */
int main(int argc, char **argv)
{
	struct check_opts o;
	struct detector_opts dopts = { 0 };
	struct detector *det;
	struct conf *conf;
	char err[512];
	int status;

	if ((status = check_args(argc, argv, &o)) != 0)
		return status == 1 ? 0 : 2;
	if (o.config) {
		struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);

		conf = conf_load(o.config, true, &errors);
		if (conf == NULL) {
			fprintf(stderr, "%s", errors.len ? vbuf_str(&errors) : "vigie-check: --config: cannot read\n");
			vbuf_free(&errors);
			return 2;
		}
		vbuf_free(&errors);
	} else {
		conf = conf_defaults();
	}
	o.conf = conf;
	if (!o.domains) {
		for (int i = 0; i < o.nargs; i++)
			if (strcmp(o.args[i], "-") != 0 && access(o.args[i], R_OK) != 0) {
				fprintf(stderr, "vigie-check: %s: cannot read\n", o.args[i]);
				return 2;
			}
	}
	/* the options given win over vigie.conf, which wins over the defaults */
	dopts.brands_file = o.brands ? o.brands : conf->brands;
	/* BrandsKey guards the configuration's own pack, as in the milter */
	dopts.brands_key_file = o.brands ? NULL : conf->brands_key;
	dopts.test_keys_file = o.test_keys ? o.test_keys : conf->test_public_keys;
	dopts.test_dns_file = o.test_dns ? o.test_dns : conf->test_dns;
	dopts.nameservers = conf->nameservers;
	dopts.dns_timeout = conf->dns_timeout;
	dopts.no_dkim = o.domains;
	if ((det = detector_new(&dopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vigie-check: %s\n", err);
		conf_free(conf);
		return 2;
	}
	status = o.domains ? check_domains(det, &o, stdout) : check_messages(det, &o, stdout);
	detector_free(det);
	conf_free(conf);
	free(o.rcpts);
	return status;
}
