/*
 * latency - durations kept per worker, merged and ranked at the end.
 *
 * Touches: the heap only. Percentiles use the nearest-rank method on the
 * sorted list: p of n values is the ceil(p/100 * n)-th smallest, so p100
 * is the maximum and nothing is interpolated.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "latency.h"
#include "xalloc.h"

/* latency_init - an empty list that keeps at most cap values */
void latency_init(struct latency *l, size_t cap)
{
	memset(l, 0, sizeof(*l));
	l->cap = cap;
}

/* latency_add - keep one duration, or count it as dropped past the cap */
void latency_add(struct latency *l, double seconds)
{
	if (l->n == l->cap) {
		l->dropped++;
		return;
	}
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 1024;
		if (l->alloc > l->cap)
			l->alloc = l->cap;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = seconds;
}

/* latency_merge - add every value of from (within into's cap) */
void latency_merge(struct latency *into, const struct latency *from)
{
	for (size_t i = 0; i < from->n; i++)
		latency_add(into, from->v[i]);
	into->dropped += from->dropped;
}

/* latency_cmp - ascending order of doubles */
static int latency_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* latency_sort - sort once, before asking for percentiles */
void latency_sort(struct latency *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), latency_cmp);
}

/* latency_pct - nearest-rank percentile of a sorted list; 0 when empty */
double latency_pct(const struct latency *l, double pct)
{
	size_t rank;

	if (l->n == 0)
		return 0;
	rank = (size_t)ceil(pct / 100.0 * (double)l->n);
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	return l->v[rank - 1];
}

/* latency_free - release the values */
void latency_free(struct latency *l)
{
	free(l->v);
	latency_init(l, l->cap);
}
