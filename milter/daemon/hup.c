/*
 * hup - SIGHUP reloads vigie, as it does most daemons, instead of stopping
 * it (an admin's "kill -HUP" must not stop inbound mail when Postfix's
 * milter_default_action is tempfail).
 *
 * libmilter (8.17, libmilter/signal.c) runs a thread that sigwait()s for
 * SIGHUP, SIGTERM and SIGINT and stops the milter on any of them, and gives
 * no way to change that set. So vigie provides sigwait itself: libmilter's
 * call binds to this one (the executable's definition comes first for the
 * dynamic linker; with a static libmilter the link does the same). When the
 * caller waits for SIGTERM too (libmilter's thread) and SIGHUP arrives, the
 * reload is asked for and the wait goes on; SIGTERM and SIGINT are handed
 * back as they came. Every other caller gets plain sigwait behaviour.
 * Nothing depends on which thread the kernel picks for the signal, since
 * the one thread that takes SIGHUP is the one waiting here.
 *
 * Touches: signal masks and pending signals only. tests/milter/cli.sh sends
 * HUP to a running vigie and checks it reloads and keeps serving, so a
 * libmilter that stopped calling sigwait would be noticed.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "hup.h"

static _Atomic(hup_fn) hup_reload;

/* hup_takeover - from now on SIGHUP calls fn (from libmilter's signal thread) */
void hup_takeover(hup_fn fn)
{
	atomic_store(&hup_reload, fn);
}

/* sigwait - POSIX sigwait, except that libmilter's SIGHUP becomes a reload */
int sigwait(const sigset_t *set, int *sig)
{
	for (;;) {
		int s = sigwaitinfo(set, NULL);
		hup_fn fn;

		if (s < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		fn = atomic_load(&hup_reload);
		if (s == SIGHUP && fn != NULL && sigismember(set, SIGTERM) == 1) {
			fn();
			continue;
		}
		*sig = s;
		return 0;
	}
}
