/*
 * fuzz_policy - fuzz target for DomainPolicies (milter/front/policy.c):
 * the bytes as a policies file, and each of their lines as an RCPT TO
 * argument merged into one message under the table (or under an empty
 * table when the file has errors). Every error is one "fuzz:LINE: message"
 * line; a recipient's domain is a valid lower-case DNS name or empty; the
 * merged action is never stronger than any recipient's own; the log text
 * stays bounded whatever the number of recipients.
 *
 * Built with libFuzzer by `make fuzz` (tests/fuzz/libfuzzer.sh), with the
 * replay driver (tests/fuzz/replay.c) for make check.
 */
#include <config.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dnsname.h"
#include "policy.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct conf_policy fuzz_base = { CONF_ACTION_REJECT, CONF_ACTION_REJECT, NULL };

/* fuzz_errors - each error line names its origin and a line number */
static void fuzz_errors(const struct vbuf *errors, bool parsed)
{
	const char *p = vbuf_str(errors);

	if (parsed != (errors->len == 0))
		abort();
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');

		if (nl == NULL || strncmp(p, "fuzz:", 5) != 0 || p[5] < '1' || p[5] > '9')
			abort();
		p = nl + 1;
	}
}

/* fuzz_domain - what policy_rcpt_domain gives is a lower-case name or nothing */
static void fuzz_domain(const char *rcpt)
{
	char out[POLICY_DOMAIN_MAX + 1];
	bool ok = policy_rcpt_domain(rcpt, out, sizeof(out));
	size_t n = strlen(out);

	if (ok != (n > 0) || (ok && !dnsname_ok(out, n)))
		abort();
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)out[i]))
			abort();
}

/* LLVMFuzzerTestOneInput - the bytes as a table, their lines as recipients */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct policy_table *t = policy_table_parse((const char *)data, size, "fuzz", &fuzz_base,
						    &errors);
	struct policy_merge m;
	struct vbuf text = VBUF_INIT(1 << 16);
	const struct conf_policy *p;
	char *copy = xstrndup((const char *)data, size), *save = NULL;
	bool analyse;

	fuzz_errors(&errors, t != NULL);
	vbuf_free(&errors);
	if (t == NULL) {
		vbuf_init(&errors, CONF_ERRORS_MAX);
		t = policy_table_parse("", 0, "fuzz", &fuzz_base, &errors);
		vbuf_free(&errors);
	}
	policy_merge_init(&m, t);
	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char domain[POLICY_DOMAIN_MAX + 1];
		const struct policy_entry *e;

		fuzz_domain(l);
		policy_rcpt_domain(l, domain, sizeof(domain));
		e = policy_lookup(t, domain);
		policy_merge_rcpt(&m, l);
		p = policy_merge_result(&m, &analyse);
		if (p->suspect_action > e->policy.suspect_action ||
		    p->impersonation_action > e->policy.impersonation_action ||
		    (e->analyse && !analyse))
			abort();
	}
	p = policy_merge_result(&m, &analyse);
	policy_merge_describe(&m, &text);
	if (text.len > POLICY_DOMAINS_MAX * (POLICY_DOMAIN_MAX * 2 + 8) + 256)
		abort();
	vbuf_free(&text);
	free(copy);
	policy_table_free(t);
	return 0;
}
