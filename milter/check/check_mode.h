/*
 * check_mode - the modes of vigie-check, behind one set of options: domains
 * (check_domains) and messages (check_messages). Each returns the
 * exit status: 0 all clean, 1 a suspect or impersonation, 2 unreadable input.
 */
#ifndef VIGIE_CHECK_MODE_H
#define VIGIE_CHECK_MODE_H

#include <stdbool.h>
#include <stdio.h>

struct conf;
struct detector;
struct json;
struct message;
struct message_sig;
struct reason_list;
struct verdict;

struct check_opts {
	bool json;		/* JSON Lines instead of text */
	bool domains;		/* --domain: arguments are domain names */
	bool explain;		/* --explain: the long report, as the milter would act */
	const char *brands;	/* --brands FILE */
	const char *test_keys;	/* --test-keys FILE */
	const char *test_dns;	/* --test-dns FILE */
	const char *client_ip;	/* --client-ip ADDR, for SPF */
	const char *helo;	/* --helo NAME */
	const char *mail_from;	/* --mail-from ADDR: the envelope sender */
	const char *config;	/* --config FILE */
	const struct conf *conf;	/* vigie.conf as read, or the defaults */
	const char **rcpts;	/* --rcpt ADDR...: envelope recipients, for DomainPolicies */
	size_t nrcpts;
	char **args;		/* domains or files; "-" is standard input */
	int nargs;
};

#define CHECK_LINE_MAX 4096	/* bytes of one line of standard input */

int check_domains(const struct detector *det, const struct check_opts *o, FILE *out);
int check_messages(const struct detector *det, const struct check_opts *o, FILE *out);
void check_text(FILE *out, const char *s, size_t len);
void check_sig_line(FILE *out, const struct message_sig *s);
void check_spf_line(FILE *out, const struct message *m);
void check_dmarc_line(FILE *out, const struct message *m);
void check_json_verdict(struct json *j, const struct verdict *v);
void check_json_reasons(struct json *j, const struct reason_list *l);

#endif
