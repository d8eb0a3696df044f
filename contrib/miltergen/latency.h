/*
 * latency - a bounded list of durations and their percentiles.
 *
 * Each worker keeps its own list (no locking); lists are merged and sorted
 * once at the end. Past the cap, durations are counted but not kept, so a
 * long run cannot eat memory; the report says how many were dropped.
 */
#ifndef VIGIE_BENCH_LATENCY_H
#define VIGIE_BENCH_LATENCY_H

#include <stddef.h>

struct latency {
	double *v;		/* seconds */
	size_t n, alloc, cap;
	size_t dropped;		/* added past the cap */
};

void latency_init(struct latency *l, size_t cap);
void latency_add(struct latency *l, double seconds);
void latency_merge(struct latency *into, const struct latency *from);
void latency_sort(struct latency *l);
double latency_pct(const struct latency *l, double pct);
void latency_free(struct latency *l);

#endif
