/*
 * runtime - the current configuration and detector, swapped under a lock.
 *
 * Touches: the files the detector loads (brand pack, test keys) when a
 * runtime is built. The lock guards only the current pointer and the
 * reference counts: building a detector happens outside it, so a slow
 * reload never stalls mail in flight.
 */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>

#include "conf.h"
#include "detector.h"
#include "reply.h"
#include "runtime.h"
#include "xalloc.h"

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *runtime_current;
static unsigned long runtime_generations;

/* runtime_free - release a runtime nobody holds any more */
static void runtime_free(struct runtime *rt)
{
	detector_free(rt->det);
	conf_free(rt->conf);
	free(rt);
}

/*
 * runtime_build - a detector for conf, wrapped with it. Takes conf on
 * success; on failure leaves it to the caller and says why in errors.
 */
struct runtime *runtime_build(struct conf *conf, struct vbuf *errors)
{
	struct detector_opts opts = {
		.brands_file = conf->brands,
		.brands_key_file = conf->brands_key,
		.test_keys_file = conf->test_public_keys,
		.test_dns_file = conf->test_dns,
		.nameservers = conf->nameservers,
		.dns_timeout = conf->dns_timeout,
	};
	char err[1024] = "";
	struct detector *det = detector_new(&opts, err, sizeof(err));
	struct runtime *rt;
	struct vbuf warm;

	if (det == NULL) {
		vbuf_printf(errors, "%s\n", err[0] ? err : "cannot build the detector");
		return NULL;
	}
	/* ICU compiles the reply's transliteration rules now, not at the first reject */
	reply_text(conf->reject_reply, NULL, &warm);
	vbuf_free(&warm);
	rt = xcalloc(1, sizeof(*rt));
	rt->conf = conf;
	rt->det = det;
	rt->refs = 1;
	return rt;
}

/* runtime_install - make rt current; the previous one goes when unused */
void runtime_install(struct runtime *rt)
{
	struct runtime *old;

	pthread_mutex_lock(&runtime_lock);
	rt->generation = ++runtime_generations;
	old = runtime_current;
	runtime_current = rt;
	pthread_mutex_unlock(&runtime_lock);
	if (old != NULL)
		runtime_release(old);
}

/* runtime_acquire - a reference to the current runtime (NULL before start-up) */
struct runtime *runtime_acquire(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&runtime_lock);
	rt = runtime_current;
	if (rt != NULL)
		rt->refs++;
	pthread_mutex_unlock(&runtime_lock);
	return rt;
}

/* runtime_release - drop a reference; the last one frees */
void runtime_release(struct runtime *rt)
{
	unsigned left;

	if (rt == NULL)
		return;
	pthread_mutex_lock(&runtime_lock);
	left = --rt->refs;
	pthread_mutex_unlock(&runtime_lock);
	if (left == 0)
		runtime_free(rt);
}

/* runtime_shutdown - drop the current runtime at exit */
void runtime_shutdown(void)
{
	struct runtime *old;

	pthread_mutex_lock(&runtime_lock);
	old = runtime_current;
	runtime_current = NULL;
	pthread_mutex_unlock(&runtime_lock);
	runtime_release(old);
}
