/*
 * authres - render vigie's Authentication-Results value: dkim=, spf=, dmarc=.
 *
 * Touches: the buffer given. Each unit ("dkim=pass", "header.d=...") goes on
 * the current line or, past 78 columns, on a new one after "\n\t". Values are
 * RFC 2045 tokens when they can be, quoted strings otherwise; bytes outside
 * printable ASCII become '?'. The value is cut at AUTHRES_VALUE_MAX, which
 * DKIMCHECK_MAX_SIGS signatures never reach.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "authres.h"

#define AUTHRES_UNIT_MAX 600

struct authres_out {
	struct vbuf *buf;
	size_t column;
	bool first;
};

/* authres_tokenish - text a bare RFC 2045 token can carry as it is */
static bool authres_tokenish(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(".-_+", *s) == NULL)
			return false;
	return true;
}

/* authres_value - a value into unit: as a token, or quoted */
static void authres_value(struct vbuf *unit, const char *s, bool force_quote)
{
	if (!force_quote && authres_tokenish(s)) {
		vbuf_adds(unit, s);
		return;
	}
	vbuf_addc(unit, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			vbuf_addc(unit, '\\');
		vbuf_addc(unit, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	vbuf_addc(unit, '"');
}

/* authres_emit - a unit on this line or the next, with what ends it */
static void authres_emit(struct authres_out *o, const struct vbuf *unit, const char *end)
{
	size_t len = unit->len + strlen(end);

	if (!o->first) {
		if (o->column + 1 + len > AUTHRES_FOLD_AT) {
			vbuf_adds(o->buf, "\n\t");
			o->column = 8;
		} else {
			vbuf_addc(o->buf, ' ');
			o->column++;
		}
	}
	vbuf_add(o->buf, unit->data, unit->len);
	vbuf_adds(o->buf, end);
	o->column += len;
	o->first = false;
}

/* authres_prop - the unit "name=value" */
static void authres_prop(struct vbuf *unit, const char *name, const char *value, bool quote)
{
	vbuf_adds(unit, name);
	vbuf_addc(unit, '=');
	authres_value(unit, value, quote);
}

/* authres_units - units emitted in turn, ';' after the last when more results follow */
static void authres_units(struct authres_out *o, struct vbuf *unit, size_t n, bool more)
{
	for (size_t i = 0; i < n; i++)
		authres_emit(o, &unit[i], more && i + 1 == n ? ";" : "");
}

/* authres_sig - the units of one signature; ';' after the last when more follow */
static void authres_sig(struct authres_out *o, const struct dkimcheck_sig *s, bool more)
{
	static const char *const names[] = { "header.d", "header.s", "header.a", "header.b" };
	const char *values[] = { s->domain, s->selector, s->algorithm, s->b };
	struct vbuf unit[6];
	size_t n = 0;

	for (size_t i = 0; i < 6; i++)
		vbuf_init(&unit[i], AUTHRES_UNIT_MAX);
	vbuf_adds(&unit[n], "dkim=");
	vbuf_adds(&unit[n++], dkimcheck_result_name(s->result));
	if (s->reason != NULL && s->reason[0] != '\0')
		authres_prop(&unit[n++], "reason", s->reason, true);
	for (size_t i = 0; i < 4; i++)
		if (values[i][0] != '\0')
			authres_prop(&unit[n++], names[i], values[i], false);
	authres_units(o, unit, n, more);
	for (size_t i = 0; i < 6; i++)
		vbuf_free(&unit[i]);
}

/* authres_spf - "spf=RESULT [reason=...] smtp.mailfrom=DOMAIN" (or smtp.helo) */
static void authres_spf(struct authres_out *o, const struct spfcheck_out *spf, bool more)
{
	struct vbuf unit[3];
	size_t n = 0;

	for (size_t i = 0; i < 3; i++)
		vbuf_init(&unit[i], AUTHRES_UNIT_MAX);
	vbuf_adds(&unit[n], "spf=");
	vbuf_adds(&unit[n++], spfcheck_result_name(spf->result));
	if (spf->reason && spf->reason[0] &&
	    (spf->result == SPFCHECK_TEMPERROR || spf->result == SPFCHECK_PERMERROR || !spf->evaluated))
		authres_prop(&unit[n++], "reason", spf->reason, true);
	if (spf->domain[0])
		authres_prop(&unit[n++], spf->identity == SPFCHECK_HELO ? "smtp.helo" : "smtp.mailfrom",
			     spf->domain, false);
	authres_units(o, unit, n, more);
	for (size_t i = 0; i < 3; i++)
		vbuf_free(&unit[i]);
}

/* authres_dmarc - "dmarc=RESULT [reason=...] header.from=DOMAIN [policy.dmarc=P]" */
static void authres_dmarc(struct authres_out *o, const struct dmarccheck_out *d, bool more)
{
	struct vbuf unit[4];
	size_t n = 0;

	for (size_t i = 0; i < 4; i++)
		vbuf_init(&unit[i], AUTHRES_UNIT_MAX);
	vbuf_adds(&unit[n], "dmarc=");
	vbuf_adds(&unit[n++], dmarccheck_result_name(d->result));
	if (d->reason && d->reason[0] && d->result != DMARCCHECK_PASS && d->result != DMARCCHECK_FAIL)
		authres_prop(&unit[n++], "reason", d->reason, true);
	authres_prop(&unit[n++], "header.from", d->from_domain, false);
	if (d->result == DMARCCHECK_FAIL)
		authres_prop(&unit[n++], "policy.dmarc", dmarccheck_policy_name(d->applied), false);
	authres_units(o, unit, n, more);
	for (size_t i = 0; i < 4; i++)
		vbuf_free(&unit[i]);
}

/* authres_render_all - "<authserv-id>; dkim=...; spf=...; dmarc=..." */
bool authres_render_all(struct vbuf *out, const char *authserv_id,
			const struct authres_results *r)
{
	struct vbuf unit = VBUF_INIT(AUTHRES_ID_MAX * 2 + 3);
	struct authres_out o = { out, AUTHRES_NAME_COLUMNS, true };
	size_t start = out->len;
	char id[AUTHRES_ID_MAX + 1];
	size_t n = 0;
	bool after_dkim = r->spf != NULL || r->dmarc != NULL;

	for (; authserv_id[n] != '\0' && n < AUTHRES_ID_MAX; n++)
		id[n] = authserv_id[n];
	id[n] = '\0';
	authres_value(&unit, id, false);
	authres_emit(&o, &unit, ";");
	vbuf_free(&unit);
	if (r->dkim && r->nsigs == 0) {
		struct vbuf none = VBUF_INIT(16);

		vbuf_adds(&none, "dkim=none");
		authres_emit(&o, &none, after_dkim ? ";" : "");
		vbuf_free(&none);
	}
	for (size_t i = 0; r->dkim && i < r->nsigs; i++)
		authres_sig(&o, &r->sigs[i], i + 1 < r->nsigs || after_dkim);
	if (r->spf != NULL)
		authres_spf(&o, r->spf, r->dmarc != NULL);
	if (r->dmarc != NULL)
		authres_dmarc(&o, r->dmarc, false);
	if (out->len - start > AUTHRES_VALUE_MAX || out->overflow) {
		vbuf_truncate(out, start);
		return false;
	}
	return true;
}

/* authres_render - "<authserv-id>; dkim=... ..." for the signatures given */
bool authres_render(struct vbuf *out, const char *authserv_id,
		    const struct dkimcheck_sig *sigs, size_t nsigs)
{
	struct authres_results r = { true, sigs, nsigs, NULL, NULL };

	return authres_render_all(out, authserv_id, &r);
}
