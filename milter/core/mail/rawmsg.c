/*
 * rawmsg - raw messages and mbox streams into milter-style calls (see rawmsg.h).
 *
 * Touches: its own buffers and the sink. Never fails: any byte stream is
 * some sequence of messages.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "rawmsg.h"
#include "vbuf.h"
#include "xalloc.h"

/* In an mbox body, only the start of a line matters ("From ", ">From "). */
#define RAWMSG_HEAD 1000

enum rawmsg_phase { RP_NONE, RP_HEAD, RP_BODY };

struct rawmsg {
	struct rawmsg_sink sink;
	bool mbox;
	enum rawmsg_phase phase;
	struct vbuf line;		/* the line being collected */
	bool streaming;			/* mbox body: the rest of a long line streams */
	bool skipping;			/* the rest of a long "From " line is dropped */
	struct vbuf field;		/* the field waiting for its continuation lines */
	bool field_cut;
	bool blank_held;		/* mbox body: an empty line held back */
	bool cr;			/* body: the last byte given was '\r' */
	bool mid_line;			/* body: the last line given has no line break yet */
	struct vbuf out;
	struct rawmsg_stats st;
};

/* rawmsg_new - a splitter for one message (or an mbox stream) */
struct rawmsg *rawmsg_new(bool mbox, const struct rawmsg_sink *sink)
{
	struct rawmsg *r = xcalloc(1, sizeof(*r));

	r->sink = *sink;
	r->mbox = mbox;
	vbuf_init(&r->line, RAWMSG_FIELD_MAX + 2);
	vbuf_init(&r->field, RAWMSG_FIELD_MAX);
	vbuf_init(&r->out, RAWMSG_CHUNK);
	return r;
}

/* rawmsg_free - release everything */
void rawmsg_free(struct rawmsg *r)
{
	if (r == NULL)
		return;
	vbuf_free(&r->line);
	vbuf_free(&r->field);
	vbuf_free(&r->out);
	free(r);
}

/* rawmsg_stats - what was seen */
const struct rawmsg_stats *rawmsg_stats(const struct rawmsg *r)
{
	return &r->st;
}

/* rawmsg_flush - hand the staged body bytes over */
static void rawmsg_flush(struct rawmsg *r)
{
	if (r->out.len && r->sink.body)
		r->sink.body(r->sink.arg, r->out.data, r->out.len);
	vbuf_reset(&r->out);
}

/* rawmsg_put - body bytes as they are, in chunks of at most RAWMSG_CHUNK */
static void rawmsg_put(struct rawmsg *r, const char *s, size_t n)
{
	while (n) {
		size_t room = RAWMSG_CHUNK - r->out.len, take = n < room ? n : room;

		vbuf_add(&r->out, s, take);
		s += take;
		n -= take;
		if (r->out.len == RAWMSG_CHUNK)
			rawmsg_flush(r);
	}
}

/* rawmsg_body - body bytes, every bare LF made CRLF; CRLF text is copied in long runs */
static void rawmsg_body(struct rawmsg *r, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t k;

		if (nl == NULL)
			break;
		k = (size_t)(nl - s);
		if (k > 0 ? s[k - 1] == '\r' : r->cr) {
			i = k + 1;	/* already CRLF: keep going */
			continue;
		}
		rawmsg_put(r, s + run, k - run);
		rawmsg_put(r, "\r\n", 2);
		i = run = k + 1;
	}
	rawmsg_put(r, s + run, n - run);
	if (n) {
		r->cr = s[n - 1] == '\r';
		r->mid_line = s[n - 1] != '\n';
	}
}

/* rawmsg_field_flush - the pending field is complete: hand it over */
static void rawmsg_field_flush(struct rawmsg *r)
{
	char *f, *colon;

	if (r->field.len == 0)
		return;
	f = r->field.data;
	colon = memchr(f, ':', r->field.len);
	r->st.fields++;
	if (r->field_cut)
		r->st.fields_cut++;
	if (colon) {
		*colon = '\0';
		if (r->sink.header)
			r->sink.header(r->sink.arg, f, colon + 1);
	}
	vbuf_reset(&r->field);
	r->field_cut = false;
}

/* rawmsg_eoh - the header is complete */
static void rawmsg_eoh(struct rawmsg *r)
{
	rawmsg_field_flush(r);
	if (r->sink.eoh)
		r->sink.eoh(r->sink.arg);
	r->phase = RP_BODY;
	r->cr = r->mid_line = false;
	r->blank_held = false;
}

/* rawmsg_end - the current message is complete */
static void rawmsg_end(struct rawmsg *r)
{
	if (r->phase == RP_NONE)
		return;
	if (r->phase == RP_HEAD)
		rawmsg_eoh(r);
	rawmsg_flush(r);
	if (r->sink.end)
		r->sink.end(r->sink.arg);
	r->phase = RP_NONE;
	r->streaming = false;
	r->blank_held = false;
}

/* rawmsg_begin - a message starts; from_line is an mbox envelope line or NULL */
static void rawmsg_begin(struct rawmsg *r, const char *from_line, size_t len)
{
	char sender[RAWMSG_SENDER_MAX + 1];
	const char *env = NULL;

	rawmsg_end(r);
	if (from_line) {
		size_t i = 5, j;

		while (i < len && (from_line[i] == ' ' || from_line[i] == '\t'))
			i++;
		j = i;
		while (j < len && from_line[j] != ' ' && from_line[j] != '\t' && from_line[j] != '\r')
			j++;
		if (j - i > RAWMSG_SENDER_MAX)
			j = i + RAWMSG_SENDER_MAX;
		memcpy(sender, from_line + i, j - i);
		sender[j - i] = '\0';
		env = sender;
	}
	r->st.messages++;
	r->phase = RP_HEAD;
	vbuf_reset(&r->field);
	r->field_cut = false;
	if (r->sink.begin)
		r->sink.begin(r->sink.arg, env);
}

/* rawmsg_is_field - "name:" with a printable ASCII name (white space before the colon allowed) */
static bool rawmsg_is_field(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f && s[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

/* rawmsg_field_add - bytes of the pending field, cut at the cap */
static void rawmsg_field_add(struct rawmsg *r, const char *s, size_t n)
{
	if (!vbuf_add(&r->field, s, n))
		r->field_cut = true;
}

/* rawmsg_head_line - a line of the header (no line break); false if it starts the body */
static bool rawmsg_head_line(struct rawmsg *r, const char *s, size_t n)
{
	if (n == 0) {
		rawmsg_eoh(r);
		return true;
	}
	if ((s[0] == ' ' || s[0] == '\t') && r->field.len) {
		rawmsg_field_add(r, "\n", 1);
		rawmsg_field_add(r, s, n);
		return true;
	}
	if (rawmsg_is_field(s, n)) {
		rawmsg_field_flush(r);
		rawmsg_field_add(r, s, n);
		return true;
	}
	rawmsg_eoh(r);
	return false;
}

/* rawmsg_body_line - the start of an mbox body line (whole if complete): unquote, hold blanks */
static void rawmsg_body_line(struct rawmsg *r, const char *s, size_t n, bool complete)
{
	size_t gt = 0;

	if (complete && n == 0) {
		if (r->blank_held)
			rawmsg_put(r, "\r\n", 2);
		r->blank_held = true;	/* it may be the separator before a "From " */
		return;
	}
	if (r->blank_held) {
		rawmsg_put(r, "\r\n", 2);
		r->blank_held = false;
	}
	while (gt < n && s[gt] == '>')
		gt++;
	if (gt && n - gt >= 5 && memcmp(s + gt, "From ", 5) == 0) {
		s++;	/* mboxrd: ">From " was "From " */
		n--;
	}
	rawmsg_put(r, s, n);
	if (complete)
		rawmsg_put(r, "\r\n", 2);
	r->cr = !complete && n && s[n - 1] == '\r';
	r->mid_line = !complete;
}

/* rawmsg_is_from - an mbox envelope line: "From " then a sender, not a "From :" field */
static bool rawmsg_is_from(const char *s, size_t n)
{
	size_t i = 5;

	if (n < 6 || memcmp(s, "From ", 5) != 0)
		return false;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] != ':';
}

/* rawmsg_line - a line (without "\n"; complete: it had one) */
static void rawmsg_line(struct rawmsg *r, const char *s, size_t n, bool complete)
{
	bool from = rawmsg_is_from(s, n);

	if (complete && n && s[n - 1] == '\r')
		n--;
	if (r->mbox && from) {
		rawmsg_begin(r, s, n);
		return;
	}
	if (r->phase == RP_NONE) {
		rawmsg_begin(r, from ? s : NULL, n);
		if (from)
			return;
	}
	if (r->phase == RP_HEAD && rawmsg_head_line(r, s, n))
		return;
	if (r->mbox) {
		rawmsg_body_line(r, s, n, complete);
		return;
	}
	rawmsg_put(r, s, n);
	if (complete)
		rawmsg_put(r, "\r\n", 2);
}

/* rawmsg_long_head - an mbox body line too long to hold: judge its start, stream the rest */
static void rawmsg_long_head(struct rawmsg *r)
{
	rawmsg_line(r, r->line.data, r->line.len, false);
	vbuf_reset(&r->line);
	if (r->phase == RP_HEAD)
		r->skipping = true;	/* a "From " line began a message: not body */
	else
		r->streaming = true;
}

/* rawmsg_feed - the next chunk of the stream */
void rawmsg_feed(struct rawmsg *r, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		const char *nl = memchr(p, '\n', len);
		size_t k = nl ? (size_t)(nl - p) : len, used = nl ? k + 1 : k;

		if (r->phase == RP_BODY && !r->mbox) {
			rawmsg_body(r, p, len);
			return;
		}
		if (r->streaming || r->skipping) {
			if (r->streaming)
				rawmsg_body(r, p, used);
			if (nl)
				r->streaming = r->skipping = false;
		} else if (r->phase == RP_BODY && r->line.len + k >= RAWMSG_HEAD) {
			used = RAWMSG_HEAD - r->line.len;
			vbuf_add(&r->line, p, used);
			rawmsg_long_head(r);
		} else {
			vbuf_add(&r->line, p, k);
			if (nl) {
				rawmsg_line(r, vbuf_str(&r->line), r->line.len, true);
				vbuf_reset(&r->line);
			}
		}
		p += used;
		len -= used;
	}
}

/* rawmsg_finish - the stream ended: a last line without a line break counts as a line */
void rawmsg_finish(struct rawmsg *r)
{
	if (r->line.len)
		rawmsg_line(r, vbuf_str(&r->line), r->line.len, true);
	vbuf_reset(&r->line);
	r->streaming = r->skipping = false;
	if (r->blank_held)
		rawmsg_put(r, "\r\n", 2);
	/* the MTA ends every message with a line break */
	if (r->phase == RP_BODY && r->mid_line)
		rawmsg_put(r, r->cr ? "\n" : "\r\n", r->cr ? 1 : 2);
	r->blank_held = r->mid_line = r->cr = false;
	rawmsg_end(r);
}
