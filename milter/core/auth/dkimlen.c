/*
 * dkimlen - the canonical length of a body, against l= (see dkimlen.h).
 *
 * Touches: the struct only. Counts are 64-bit: no body overflows them.
 */
#include <config.h>

#include "dkimlen.h"

/* dkimlen_init - a body not yet seen, a signature covering limit canonical bytes */
void dkimlen_init(struct dkimlen *d, bool relaxed, unsigned long long limit)
{
	d->relaxed = relaxed;
	d->limit = limit;
	d->canon = 0;
	d->empty = 0;
	d->wsp = false;
	d->content = false;
	d->cr = false;
	d->passed = false;
}

/* dkimlen_add - canonical bytes given out; true when they go past the limit */
static bool dkimlen_add(struct dkimlen *d, unsigned long long n)
{
	d->canon += n;
	if (d->canon > d->limit)
		d->passed = true;
	return d->passed;
}

/* dkimlen_eol - a line ends: its CRLF counts if it held content, else it is held */
static bool dkimlen_eol(struct dkimlen *d)
{
	bool had = d->content;

	d->content = false;
	d->wsp = false;
	if (!had) {
		d->empty++;
		return false;
	}
	return dkimlen_add(d, 2);
}

/* dkimlen_byte - one byte of a line, not a line end; true when past the limit */
static bool dkimlen_byte(struct dkimlen *d, char c)
{
	unsigned long long n = 1;

	if (d->relaxed && (c == ' ' || c == '\t')) {
		d->wsp = true;		/* one SP, if content follows in the line */
		return false;
	}
	if (!d->content) {
		n += 2 * d->empty;	/* the empty lines were no end of the body */
		d->empty = 0;
		d->content = true;
	}
	if (d->wsp) {
		n++;
		d->wsp = false;
	}
	return dkimlen_add(d, n);
}

/*
 * dkimlen_feed - the next raw bytes; the index of the first one whose
 * canonical bytes go past the limit, n when none does (or it was passed
 * in an earlier piece)
 */
size_t dkimlen_feed(struct dkimlen *d, const char *p, size_t n)
{
	if (d->passed)
		return n;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool past;

		if (d->cr && c == '\n') {
			d->cr = false;
			past = dkimlen_eol(d);
		} else {
			past = d->cr && dkimlen_byte(d, '\r');	/* a lone CR is content */
			d->cr = false;
			if (past) {
				d->passed = true;
				return i > 0 ? i - 1 : 0;
			}
			if (c == '\r') {
				d->cr = true;
				continue;
			}
			past = c == '\n' ? dkimlen_eol(d) : dkimlen_byte(d, c);
		}
		if (past)
			return i;
	}
	return n;
}
