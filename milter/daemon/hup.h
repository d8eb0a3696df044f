/*
 * hup - SIGHUP as a reload: vigie takes the signal over from libmilter,
 * which would stop the milter on it (see hup.c for how, and why it is safe).
 */
#ifndef VIGIE_HUP_H
#define VIGIE_HUP_H

typedef void (*hup_fn)(void);

void hup_takeover(hup_fn fn);

#endif
