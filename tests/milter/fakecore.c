/*
 * fakecore - a stand-in for the message analysis, for testing the daemon's
 * mechanics (negotiation, skips, header edits, actions, reload) on their
 * own, with verdicts that do not depend on the detection engine's weights.
 *
 * Touches: reads the Brands file if one is configured (a file containing
 * "broken" fails, so a reload with a bad brand pack can be tested), and
 * checks its signature as the real detector does when BrandsKey is set
 * (packfile.c). Never installed: tests/milter/vigie-fake is the only
 * program linked with it.
 *
 * Its rules (enough for the messages of tests/milter):
 *   From domain xn--viamdis-eya.fr or viamedis-securite.fr -> impersonation 92,
 *   display name containing "Viamedis" from another domain  -> suspect 55,
 *   anything else                                          -> clean 0.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brands.h"
#include "detector.h"
#include "message.h"
#include "packfile.h"
#include "reason.h"
#include "verdict.h"
#include "xalloc.h"

struct brand {
	const char *name;
};

struct detector {
	struct packfile pack;
};

struct message {
	struct message_opts opts;
	char authserv[256];
	char display[256];
	char domain[256];
	size_t body;
	struct verdict v;
};

static const struct brand fake_viamedis = { "Viamedis" };

/* brand_ascii_name - the stand-in's one brand, as headers and logs show it */
const char *brand_ascii_name(const struct brand *b)
{
	return b->name;
}

/* detector_new - fails on an unreadable brand pack, one saying "broken", or
 * one whose signature does not verify with BrandsKey */
struct detector *detector_new(const struct detector_opts *opts, char *err, size_t errlen)
{
	struct detector *det = xcalloc(1, sizeof(struct detector));

	if (opts->brands_file != NULL &&
	    !packfile_read(&det->pack, opts->brands_file, opts->brands_key_file, err, errlen)) {
		free(det);
		return NULL;
	}
	packfile_drop_text(&det->pack);
	if (opts->brands_file != NULL) {
		FILE *fp = fopen(opts->brands_file, "r");
		char line[256];
		int bad = fp == NULL;

		while (!bad && fgets(line, sizeof(line), fp) != NULL)
			bad = strstr(line, "broken") != NULL;
		if (fp != NULL)
			fclose(fp);
		if (bad) {
			snprintf(err, errlen, "%s:1: broken brand pack", opts->brands_file);
			free(det);
			return NULL;
		}
	}
	return det;
}

/* detector_pack - what identifies the pack read (nothing for the built-in one) */
const struct packfile *detector_pack(const struct detector *det)
{
	return &det->pack;
}

/* detector_free - release */
void detector_free(struct detector *det)
{
	free(det);
}

/* message_new - a message with nothing seen */
struct message *message_new(const struct detector *det, const struct message_opts *opts)
{
	struct message *m = xcalloc(1, sizeof(*m));

	m->opts = *opts;
	snprintf(m->authserv, sizeof(m->authserv), "%s", opts->authserv_id);
	reason_list_init(&m->v.reasons);
	return m;
}

/* message_envelope_from - not used by the rules */
void message_envelope_from(struct message *m, const char *addr)
{
}

/* fake_from - display name and domain of a simple From value */
static void fake_from(struct message *m, const char *value)
{
	const char *lt = strchr(value, '<'), *at = strrchr(value, '@');
	size_t n;

	if (lt != NULL) {
		n = (size_t)(lt - value);
		snprintf(m->display, sizeof(m->display), "%.*s", (int)n, value);
	}
	if (at != NULL) {
		n = strcspn(at + 1, "> \t\r\n");
		snprintf(m->domain, sizeof(m->domain), "%.*s", (int)n, at + 1);
	}
}

/* message_header - only From matters here */
void message_header(struct message *m, const char *name, const char *value)
{
	if (strcasecmp(name, "From") == 0)
		fake_from(m, value);
}

/* message_eoh - nothing to do */
void message_eoh(struct message *m)
{
}

/* message_body - wants body up to max_body_scan bytes */
bool message_body(struct message *m, const void *data, size_t len)
{
	m->body += len;
	return m->body < m->opts.max_body_scan;
}

/* message_eom - the stand-in's rules */
void message_eom(struct message *m)
{
	struct verdict *v = &m->v;

	if (strcasecmp(m->domain, "xn--viamdis-eya.fr") == 0 ||
	    strcasecmp(m->domain, "viamedis-securite.fr") == 0) {
		v->kind = VERDICT_IMPERSONATION;
		v->score = 92;
		v->brand = &fake_viamedis;
		reason_add(&v->reasons, REASON_HOMOGLYPH, WHERE_FROM, v->brand, 90,
			   m->domain, "looks like viamedis.fr");
	} else if (strcasestr(m->display, "viamedis") != NULL &&
		   strcasecmp(m->domain, "viamedis.fr") != 0) {
		v->kind = VERDICT_SUSPECT;
		v->score = 55;
		v->brand = &fake_viamedis;
		reason_add(&v->reasons, REASON_DISPLAY_NAME, WHERE_FROM, v->brand, 55,
			   m->domain, "display name claims Viamedis");
	}
}

/* message_verdict - the verdict of message_eom */
const struct verdict *message_verdict(const struct message *m)
{
	return &m->v;
}

/* message_authres - "dkim=none" whenever DKIM would have been checked */
bool message_authres(const struct message *m, struct vbuf *value)
{
	if (m->opts.dkim == MESSAGE_DKIM_ALWAYS ||
	    (m->opts.dkim == MESSAGE_DKIM_BRANDS && m->v.brand != NULL)) {
		vbuf_printf(value, "%s; dkim=none", m->authserv);
		return true;
	}
	return false;
}

/* message_from_domain - the From domain as given */
const char *message_from_domain(const struct message *m)
{
	return m->domain;
}

/* message_free - release */
void message_free(struct message *m)
{
	free(m);
}

/* verdict_kind_name - the three names of design.md */
const char *verdict_kind_name(enum verdict_kind kind)
{
	static const char *const names[] = { "clean", "suspect", "impersonation" };

	return (unsigned)kind <= VERDICT_IMPERSONATION ? names[kind] : "?";
}

/* verdict_headers - the two header values, design.md's shape */
void verdict_headers(const struct verdict *v, struct vbuf *verdict_value,
		     struct vbuf *reasons_value)
{
	vbuf_printf(verdict_value, "%s score=%d", verdict_kind_name(v->kind), v->score);
	if (v->brand != NULL)
		vbuf_printf(verdict_value, " brand=\"%s\"", v->brand->name);
	for (size_t i = 0; i < v->reasons.count; i++)
		vbuf_printf(reasons_value, "%s%s %s=%s", i ? ";\n\t" : "",
			    reason_code_name(v->reasons.item[i].code),
			    reason_where_name(v->reasons.item[i].where),
			    v->reasons.item[i].subject);
}
