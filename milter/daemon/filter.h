/*
 * filter - the milter callbacks, registered with libmilter.
 */
#ifndef VIGIE_FILTER_H
#define VIGIE_FILTER_H

#include <stdbool.h>

bool filter_register(bool tcp);
bool filter_drain(unsigned ms);

#endif
