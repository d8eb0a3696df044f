/*
 * check_domain - vigie-check --domain: each name given, or each line of
 * standard input for "-", is checked and explained (one line per finding)
 * or printed as one JSON object per line.
 *
 * Touches: standard input and the output stream. A name that is not a
 * domain is reported and the run goes on; only unreadable input or a
 * failed write makes the status 2. Lines longer than CHECK_LINE_MAX are
 * reported as too long, never truncated into another name.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>

#include "brands.h"
#include "check_mode.h"
#include "detector.h"
#include "domain.h"
#include "json.h"
#include "utf8.h"
#include "verdict.h"

/* check_text - bytes for a terminal: UTF-8 kept; controls, hidden characters and bad bytes escaped */
void check_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t start = i;
		UChar32 c = (UChar32)utf8_next(s, len, &i);

		if (c < 0) {
			for (size_t k = start; k < i; k++)
				fprintf(out, "\\x%02X", (unsigned char)s[k]);
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
			   u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
			   u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL)) {
			/* hidden and direction-changing characters are shown, not obeyed */
			fprintf(out, "[U+%04X]", (unsigned)c);
		} else {
			fwrite(s + start, 1, (size_t)(i - start), out);
		}
	}
}

/* check_json_verdict - the "verdict", "score" and "brand" members */
void check_json_verdict(struct json *j, const struct verdict *v)
{
	json_key(j, "verdict");
	json_cstring(j, verdict_kind_name(v->kind));
	json_key(j, "score");
	json_int(j, v->score);
	json_key(j, "brand");
	json_cstring(j, brand_name(v->brand));
}

/* check_json_reasons - the "reasons" member: code, where and detail of each finding */
void check_json_reasons(struct json *j, const struct reason_list *l)
{
	json_key(j, "reasons");
	json_array_begin(j);
	for (size_t i = 0; i < l->count; i++) {
		const struct reason *r = &l->item[i];

		json_object_begin(j);
		json_key(j, "code");
		json_cstring(j, reason_code_name(r->code));
		json_key(j, "where");
		json_cstring(j, reason_where_name(r->where));
		json_key(j, "detail");
		json_cstring(j, r->detail);
		json_object_end(j);
	}
	json_array_end(j);
}

/* check_domain_json - one JSON line for a checked name */
static void check_domain_json(FILE *out, const char *name, size_t len, const struct domain *d,
			      const struct verdict *v, const struct brand *owner)
{
	struct vbuf buf = VBUF_INIT(1 << 20);
	struct json j;

	json_init(&j, &buf);
	json_object_begin(&j);
	json_key(&j, "domain");
	json_string(&j, name, len);
	if (d->status != DOMAIN_OK) {
		json_key(&j, "error");
		json_cstring(&j, domain_status_text(d->status));
	}
	json_key(&j, "ascii");
	json_cstring(&j, d->status == DOMAIN_OK ? d->ascii : NULL);
	json_key(&j, "unicode");
	json_cstring(&j, d->status == DOMAIN_OK ? d->unicode : NULL);
	json_key(&j, "registrable");
	json_cstring(&j, d->status == DOMAIN_OK && d->registrable[0] ? d->registrable : NULL);
	check_json_verdict(&j, v);
	json_key(&j, "owner");
	json_cstring(&j, brand_name(owner));
	check_json_reasons(&j, &v->reasons);
	json_object_end(&j);
	vbuf_addc(&buf, '\n');
	fwrite(buf.data, 1, buf.len, out);
	vbuf_free(&buf);
}

/* check_domain_text - the human report: a verdict line, then one line per finding */
static void check_domain_text(FILE *out, const char *name, size_t len, const struct domain *d,
			      const struct verdict *v, const struct brand *owner)
{
	check_text(out, name, len);
	if (d->status != DOMAIN_OK) {
		fprintf(out, ": invalid: %s\n", domain_status_text(d->status));
		return;
	}
	if (len != d->unicode_len || memcmp(name, d->unicode, len) != 0) {
		fputs(" (", out);
		check_text(out, d->unicode, d->unicode_len);
		if (strcmp(d->unicode, d->ascii) != 0)
			fprintf(out, ", %s", d->ascii);
		fputc(')', out);
	} else if (strcmp(d->unicode, d->ascii) != 0) {
		fprintf(out, " (%s)", d->ascii);
	}
	fprintf(out, ": %s, score %d", verdict_kind_name(v->kind), v->score);
	if (v->brand)
		fprintf(out, ", brand %s", brand_name(v->brand));
	else if (owner)
		fprintf(out, ", a domain of %s", brand_name(owner));
	fputc('\n', out);
	for (size_t i = 0; i < v->reasons.count; i++) {
		const struct reason *r = &v->reasons.item[i];

		fprintf(out, "  %s: ", reason_code_name(r->code));
		check_text(out, r->detail, strlen(r->detail));
		fputc('\n', out);
	}
}

/* check_domain_one - check one name and report it; its verdict, or -1 if invalid */
static int check_domain_one(const struct detector *det, const struct check_opts *o, FILE *out,
			    const char *name, size_t len)
{
	struct domain d;
	struct verdict v;
	const struct brand *owner = NULL;

	reason_list_init(&v.reasons);
	detector_check_domain(det, name, len, WHERE_DOMAIN, &d, &v.reasons);
	verdict_compute(&v);
	if (d.status == DOMAIN_OK)
		owner = brands_owner(detector_brands(det), d.ascii);
	if (o->json)
		check_domain_json(out, name, len, &d, &v, owner);
	else
		check_domain_text(out, name, len, &d, &v, owner);
	return d.status == DOMAIN_OK ? (int)v.kind : -1;
}

/* check_domain_trim - a line without surrounding blanks */
static const char *check_domain_trim(const char *s, size_t *len)
{
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
		(*len)--;
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	return s;
}

/* check_domain_stdin - one name per line; blank lines and # comments skipped */
static int check_domain_stdin(const struct detector *det, const struct check_opts *o, FILE *out,
			      bool *flagged)
{
	char line[CHECK_LINE_MAX + 1];
	size_t n = 0;
	bool longline = false;
	int c;

	do {
		c = getchar();
		if (c != '\n' && c != EOF) {
			if (n < CHECK_LINE_MAX)
				line[n++] = (char)c;
			else
				longline = true;
			continue;
		}
		if (longline) {
			/* past any domain's length: parse says "too long" */
			check_domain_one(det, o, out, line, CHECK_LINE_MAX);
		} else {
			size_t len = n;
			const char *s = check_domain_trim(line, &len);

			if (len > 0 && s[0] != '#' && check_domain_one(det, o, out, s, len) > 0)
				*flagged = true;
		}
		n = 0;
		longline = false;
	} while (c != EOF);
	if (ferror(stdin)) {
		fprintf(stderr, "vigie-check: standard input: read error\n");
		return 2;
	}
	return 0;
}

/* check_domains - vigie-check --domain: every argument, "-" meaning standard input */
int check_domains(const struct detector *det, const struct check_opts *o, FILE *out)
{
	bool flagged = false;
	int status = 0;

	for (int i = 0; i < o->nargs; i++) {
		if (strcmp(o->args[i], "-") == 0) {
			if (check_domain_stdin(det, o, out, &flagged) != 0)
				status = 2;
		} else if (check_domain_one(det, o, out, o->args[i], strlen(o->args[i])) > 0) {
			flagged = true;
		}
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "vigie-check: write error\n");
		return 2;
	}
	return status ? status : flagged ? 1 : 0;
}
