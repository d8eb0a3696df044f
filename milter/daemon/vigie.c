/*
 * vigie - the milter daemon: reads vigie.conf, opens the milter socket,
 * drops root, builds the detector and serves the MTA until told to stop.
 *
 * Touches: the config file and what it names, the socket, the PID file,
 * syslog and the LogFile, process credentials. Start-up errors are fatal
 * and printed on the terminal (also when going to the background: the
 * parent waits for the daemon to be ready and exits with its status).
 * SIGUSR1 and SIGHUP reload the configuration and brand pack (and reopen
 * the LogFile); a bad one is logged and the old one kept. SIGTERM and
 * SIGINT stop cleanly (libmilter owns those; hup.c takes SIGHUP from it).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmilter/mfapi.h>
#include <unicode/uclean.h>

#include "conf.h"
#include "detector.h"
#include "filter.h"
#include "hup.h"
#include "log.h"
#include "metrics.h"
#include "packfile.h"
#include "pidfile.h"
#include "privs.h"
#include "runtime.h"
#include "sock.h"
#include "stats.h"
#include "xalloc.h"


#define VIGIE_CONF SYSCONFDIR "/vigie/vigie.conf"
#define VIGIE_DRAIN_MS 5000		/* for message steps under way at stop */
#define VIGIE_PIDFILE CONF_RUNDIR "/vigie.pid"

/* what the command line said; fixed after start-up */
struct vigie_args {
	const char *conf_path;
	bool conf_given;		/* -c: the file must exist */
	const char *socket;		/* -p */
	bool foreground;		/* -f */
	bool check_only;		/* -n */
};

static struct vigie_args vigie_args;
static atomic_bool vigie_stopping;
static char *vigie_pidfile;		/* the PID file written, removed at exit */
static char *vigie_sockfile;		/* the unix socket opened, removed on failure */
static struct metrics *vigie_metrics;	/* StatsSocket, when set */
static char vigie_user[64] = "the starting user";	/* who reloads read files as */

/* vigie_usage - the synopsis: on stdout for -h, on stderr after a mistake */
static void vigie_usage(FILE *out)
{
	fprintf(out, "usage: vigie [-c FILE] [-p SOCKET] [-f] [-n] [-V] [-h]\n"
		"  -c FILE    configuration (default %s; a missing default file means built-in defaults)\n"
		"  -p SOCKET  milter socket, overriding Socket (local:/path, inet:port@host)\n"
		"  -f         stay in the foreground and log to stderr as well\n"
		"  -n         check the configuration and every file it names, as root and as\n"
		"             the UserID (what a reload reads), then exit\n"
		"  -V         print the version and exit\n"
		"  -h         print this help and exit\n"
		"SIGUSR1 or SIGHUP reloads; SIGTERM stops.\n", VIGIE_CONF);
}

/* vigie_print_errors - each "file:line: message" line on stderr */
static void vigie_print_errors(const struct vbuf *errors)
{
	fputs(vbuf_str(errors), stderr);
	if (errors->len > 0 && errors->data[errors->len - 1] != '\n')
		fputc('\n', stderr);
}

/* vigie_log_errors - each error line in the log */
static void vigie_log_errors(const char *what, const struct vbuf *errors)
{
	char *copy = xstrdup(vbuf_str(errors)), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
		log_error("%s: %s", what, l);
	free(copy);
}

/* vigie_load - the configuration named on the command line, -p applied */
static struct conf *vigie_load(struct vbuf *errors)
{
	struct conf *c = conf_load(vigie_args.conf_path, vigie_args.conf_given, errors);

	if (c != NULL && vigie_args.socket != NULL &&
	    !conf_set_socket(c, vigie_args.socket, errors)) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* vigie_same - whether two optional strings are equal */
static bool vigie_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* vigie_restart_only - say which changed options wait for a restart */
static void vigie_restart_only(const struct conf *old, const struct conf *new)
{
	if (!vigie_same(old->socket, new->socket))
		log_warning("reload: Socket changed to %s: takes effect at the next restart"
			    " (still listening on %s)", new->socket, old->socket);
	if (!vigie_same(old->user, new->user))
		log_warning("reload: UserID changed: takes effect at the next restart");
	if (!vigie_same(old->pidfile, new->pidfile))
		log_warning("reload: PidFile changed: takes effect at the next restart");
	if (old->umask != new->umask)
		log_warning("reload: UMask changed: takes effect at the next restart");
	if (!vigie_same(old->stats_socket, new->stats_socket))
		log_warning("reload: StatsSocket changed: takes effect at the next restart");
}

/* vigie_pack - say which brand pack is in force, in the log and the metrics */
static void vigie_pack(const char *what, const struct runtime *rt)
{
	const struct packfile *pf = detector_pack(rt->det);
	const char *origin = rt->conf->brands ? rt->conf->brands : "built-in";
	struct stat st;

	log_info("%sbrand pack %s: version %s, sha256 %.16s, %s", what, origin,
		 pf->version[0] ? pf->version : "(none)", pf->sha256[0] ? pf->sha256 : "-",
		 rt->conf->brands == NULL ? "compiled in" :
		 pf->verified ? "signature verified (BrandsKey)" : "signature not checked (no BrandsKey)");
	stats_pack(origin, pf, rt->generation,
		   rt->conf->brands && stat(rt->conf->brands, &st) == 0 ? (long long)st.st_mtime : 0);
}

/* vigie_syslog_check - without /dev/log and without LogFile, say that lines are lost */
static void vigie_syslog_check(const struct conf *c)
{
	if (c->syslog && c->log_file == NULL && !log_syslog_reachable())
		log_warning("syslog: /dev/log does not exist (no syslog daemon here):"
			    " log lines are lost; set LogFile in %s (vigie.conf(5))",
			    c->path ? c->path : VIGIE_CONF);
}

/*
 * vigie_reopen - the LogFile of the new configuration, or the one in use
 * again (logrotate moved it); on failure the file in use is kept
 */
static void vigie_reopen(const struct conf *c)
{
	struct vbuf why = VBUF_INIT(1024);
	char *current = log_file_name();
	const char *path = c != NULL ? c->log_file : current;

	if ((path != NULL || current != NULL) && !log_file_reopen(path, &why))
		log_error("reload: %s (as %s); still writing to %s", vbuf_str(&why),
			  vigie_user, current ? current : "syslog only");
	free(current);
	vbuf_free(&why);
}

/* vigie_reload - SIGUSR1 or SIGHUP: a new configuration and detector, or the old ones kept */
static void vigie_reload(void)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	const char *path = vigie_args.conf_path;
	struct conf *c = vigie_load(&errors);
	struct runtime *rt = NULL, *old;

	vigie_reopen(c);
	log_info("reload: reading %s", path);
	if (c != NULL && (rt = runtime_build(c, &errors)) == NULL)
		conf_free(c);
	if (rt == NULL) {
		vigie_log_errors("reload", &errors);
		log_error("reload: failed; still running the previous configuration");
		stats_reload(false);
		vbuf_free(&errors);
		return;
	}
	old = runtime_acquire();
	if (old != NULL) {
		vigie_restart_only(old->conf, c);
		runtime_release(old);
	}
	log_setup(c->syslog, c->syslog_facility, vigie_args.foreground);
	vigie_syslog_check(c);
	runtime_install(rt);
	log_info("reload: done: configuration %s, brand pack %s (generation %lu)",
		 c->path ? c->path : "built-in defaults", c->brands ? c->brands : "built-in",
		 rt->generation);
	vigie_pack("reload: ", rt);
	stats_reload(true);
	vbuf_free(&errors);
}

static pthread_t vigie_reload_thread;

/* vigie_reloader - the thread that waits for SIGUSR1 (SIGHUP comes as one, see vigie_hup) */
static void *vigie_reloader(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (!atomic_load(&vigie_stopping)) {
		if (sigwaitinfo(&set, NULL) == SIGUSR1 && !atomic_load(&vigie_stopping))
			vigie_reload();
	}
	return arg;
}

/* vigie_hup - SIGHUP, taken from libmilter's signal thread: the same reload as SIGUSR1 */
static void vigie_hup(void)
{
	log_info("SIGHUP: reloading (as SIGUSR1 does)");
	pthread_kill(vigie_reload_thread, SIGUSR1);
}

/* vigie_background - fork; the parent waits for "ready" and exits with the status */
static int vigie_background(void)
{
	int fds[2];
	pid_t pid;
	char ok = 0;

	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		fprintf(stderr, "vigie: cannot go to the background: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(fds[1]);
		while (read(fds[0], &ok, 1) < 0 && errno == EINTR)
			;
		_exit(ok == 1 ? 0 : 1);
	}
	close(fds[0]);
	if (setsid() < 0 || chdir("/") != 0) {
		fprintf(stderr, "vigie: cannot detach: %s\n", strerror(errno));
		exit(1);
	}
	return fds[1];
}

/* vigie_ready - tell the waiting parent start-up worked; let go of the terminal */
static void vigie_ready(int fd)
{
	int null;

	if (fd < 0)
		return;
	if (write(fd, "\1", 1) != 1)
		log_warning("could not tell the parent process that start-up worked");
	close(fd);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/* vigie_die - a start-up error: log it and stop */
static void vigie_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void vigie_die(const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("%s", line);
	metrics_stop(vigie_metrics);
	if (vigie_pidfile != NULL)
		pidfile_remove(vigie_pidfile);
	if (vigie_sockfile != NULL)
		unlink(vigie_sockfile);
	exit(1);
}

/* vigie_build_info - the versions the metrics report */
static void vigie_build_info(void)
{
	unsigned ma = 0, mi = 0, pl = 0;
	char lib[64];

	smfi_version(&ma, &mi, &pl);
	snprintf(lib, sizeof(lib), "%u.%u.%u", ma, mi, pl);
	stats_build(PACKAGE_VERSION, lib);
}

/* vigie_args_parse - the command line */
static void vigie_args_parse(int argc, char **argv)
{
	int ch;

	vigie_args.conf_path = VIGIE_CONF;
	while ((ch = getopt(argc, argv, "c:p:fnVh")) != -1) {
		switch (ch) {
		case 'c':
			vigie_args.conf_path = optarg;
			vigie_args.conf_given = true;
			break;
		case 'p':
			vigie_args.socket = optarg;
			break;
		case 'f':
			vigie_args.foreground = true;
			break;
		case 'n':
			vigie_args.check_only = true;
			break;
		case 'V': {
			unsigned ma = 0, mi = 0, pl = 0;

			smfi_version(&ma, &mi, &pl);
			printf("vigie %s (libmilter %u.%u.%u)\n", PACKAGE_VERSION, ma, mi, pl);
			exit(0);
		}
		case 'h':
			vigie_usage(stdout);
			exit(0);
		default:
			vigie_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		vigie_usage(stderr);
		exit(2);
	}
}

/*
 * vigie_check_build - the configuration (c, or read again when NULL) and
 * what it names, built once; each error printed after prefix
 */
static bool vigie_check_build(struct conf *c, const char *prefix)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX);
	struct runtime *rt;

	if (c == NULL)
		c = vigie_load(&errors);
	rt = c ? runtime_build(c, &errors) : NULL;
	if (rt == NULL) {
		char *copy = xstrdup(vbuf_str(&errors)), *save = NULL;

		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "%s%s\n", prefix, l);
		free(copy);
		conf_free(c);
		vbuf_free(&errors);
		return false;
	}
	runtime_install(rt);
	runtime_shutdown();
	vbuf_free(&errors);
	return true;
}

/*
 * vigie_check_as_user - what a reload reads, read as the UserID it runs as:
 * a file root can read and the UserID cannot passes start-up and fails
 * every reload. In a child process, so that -n itself keeps root.
 */
static bool vigie_check_as_user(const struct privs *p)
{
	struct vbuf why = VBUF_INIT(1024);
	char prefix[256];
	int status = 0;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "vigie: -n: cannot fork to check as %s: %s\n", p->user, strerror(errno));
		return false;
	}
	if (pid == 0) {
		if (!privs_drop(p, &why)) {
			fprintf(stderr, "vigie: -n: cannot become %s: %s\n", p->user, vbuf_str(&why));
			_exit(1);
		}
		snprintf(prefix, sizeof(prefix), "as %s (the UserID: every reload reads these files as %s): ",
			 p->user, p->user);
		_exit(vigie_check_build(NULL, prefix) ? 0 : 1);
	}
	vbuf_free(&why);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * vigie_check - -n: the configuration, every file it names and the brand
 * pack, as start-up reads them (the current user) and as reloads do (the
 * UserID, when started as root); nothing started
 */
static int vigie_check(struct conf *c)
{
	struct vbuf why = VBUF_INIT(1024);
	struct privs p;
	bool ok, as_user;

	if (!privs_resolve(c->user, &p, &why)) {
		fprintf(stderr, "vigie: %s\n", vbuf_str(&why));
		vbuf_free(&why);
		conf_free(c);
		return 1;
	}
	vbuf_free(&why);
	as_user = p.change && p.uid != 0;
	if (c->syslog && c->log_file == NULL && !log_syslog_reachable())
		fprintf(stderr, "vigie: warning: /dev/log does not exist (no syslog daemon here):"
			" log lines would be lost; set LogFile (vigie.conf(5))\n");
	ok = vigie_check_build(c, "");
	if (ok && as_user)
		ok = vigie_check_as_user(&p);
	return ok ? 0 : 1;
}

/* vigie_open - the socket (as root), the PID file, then the switch to UserID */
static void vigie_open(const struct conf *c, const struct privs *p)
{
	struct vbuf why = VBUF_INIT(1024), note = VBUF_INIT(1024);
	const char *pidfile = c->pidfile;
	mode_t old;
	int rc;

	if (!sock_prepare(c->socket, p, &why, &note))
		vigie_die("socket: %s", vbuf_str(&why));
	if (note.len > 0)
		log_info("%s", vbuf_str(&note));
	vbuf_reset(&note);
	if (smfi_setconn(c->socket) != MI_SUCCESS)
		vigie_die("socket: libmilter refused %s", c->socket);
	old = umask((mode_t)c->umask);
	rc = smfi_opensocket(false);
	umask(old);
	if (rc != MI_SUCCESS)
		vigie_die("socket: cannot listen on %s: %s", c->socket, strerror(errno));
	if (sock_path(c->socket) != NULL)
		vigie_sockfile = xstrdup(sock_path(c->socket));
	sock_opened(c->socket, p, &note);
	if (note.len > 0)
		log_warning("%s", vbuf_str(&note));
	if (c->stats_socket != NULL) {
		vbuf_reset(&note);
		vigie_metrics = metrics_open(c->stats_socket, c->umask, p, &why, &note);
		if (vigie_metrics == NULL)
			vigie_die("StatsSocket: %s", vbuf_str(&why));
		if (note.len > 0)
			log_warning("StatsSocket: %s", vbuf_str(&note));
	}
	if (pidfile == NULL && !vigie_args.foreground)
		pidfile = VIGIE_PIDFILE;
	if (pidfile != NULL) {
		if (!pidfile_write(pidfile, p, &why))
			vigie_die("%s", vbuf_str(&why));
		vigie_pidfile = xstrdup(pidfile);
	}
	if (!privs_drop(p, &why))
		vigie_die("cannot drop privileges: %s", vbuf_str(&why));
	vbuf_free(&why);
	vbuf_free(&note);
}

/* vigie_hello - the start-up line, and how to point Postfix at the socket */
static void vigie_hello(const struct conf *c, const struct privs *p)
{
	struct vbuf postfix = VBUF_INIT(512);

	sock_postfix(c->socket, &postfix);
	log_info("vigie %s started: socket %s, config %s, brand pack %s, user %s, pid %ld",
		 PACKAGE_VERSION, c->socket, c->path ? c->path : "built-in defaults",
		 c->brands ? c->brands : "built-in", p->change ? p->user : "(unchanged)",
		 (long)getpid());
	if (c->stats_socket != NULL)
		log_info("metrics: Prometheus text format at %s, path /metrics", c->stats_socket);
	if (vigie_args.foreground)
		log_info("Postfix: postconf -e 'smtpd_milters = %s' 'non_smtpd_milters = %s'"
			 " 'milter_protocol = 6' 'milter_default_action = tempfail'"
			 " (see vigie(8), POSTFIX; a chrooted smtpd needs the socket under"
			 " /var/spool/postfix)", vbuf_str(&postfix), vbuf_str(&postfix));
	vbuf_free(&postfix);
}

int main(int argc, char **argv)
{
	struct vbuf errors = VBUF_INIT(CONF_ERRORS_MAX), why = VBUF_INIT(1024);
	struct privs privs;
	struct conf *c;
	struct runtime *rt;
	sigset_t set;
	int ready = -1, rc;
	bool drained;

	vigie_args_parse(argc, argv);
	vigie_build_info();
	if ((c = vigie_load(&errors)) == NULL) {
		vigie_print_errors(&errors);
		vbuf_free(&errors);
		return 1;
	}
	vbuf_free(&errors);
	if (vigie_args.check_only)
		return vigie_check(c);
	if (!privs_resolve(c->user, &privs, &why)) {
		fprintf(stderr, "vigie: %s\n", vbuf_str(&why));
		vbuf_free(&why);
		conf_free(c);
		return 1;
	}
	if (privs.change)
		snprintf(vigie_user, sizeof(vigie_user), "%s", privs.user);
	/* as root, before the switch: the file is then given to the UserID */
	if (!log_file_open(c->log_file, privs.change, privs.uid, privs.gid, &why)) {
		fprintf(stderr, "vigie: %s\n", vbuf_str(&why));
		vbuf_free(&why);
		conf_free(c);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!vigie_args.foreground)
		ready = vigie_background();
	/* lines go to stderr until the terminal is let go of, and to syslog */
	log_setup(c->syslog, c->syslog_facility, true);
	vigie_syslog_check(c);
	if (!filter_register(sock_path(c->socket) == NULL))
		vigie_die("libmilter: smfi_register failed");
	vigie_open(c, &privs);
	if ((rt = runtime_build(c, &errors)) == NULL) {
		vigie_log_errors("start-up", &errors);
		/* the files are read after the privileges are dropped, as at a reload */
		if (privs.change && strstr(vbuf_str(&errors), strerror(EACCES)) != NULL)
			log_error("start-up: vigie reads its files as user %s (UserID): that user"
				  " must be able to read each file and to enter every directory"
				  " above it", privs.user);
		vigie_die("start-up failed");
	}
	runtime_install(rt);
	/* c belongs to the runtime now: use it before a reload may free it */
	vigie_hello(c, &privs);
	vigie_pack("", rt);
	log_setup(c->syslog, c->syslog_facility, vigie_args.foreground);
	c = NULL;
	/*
	 * Block the signals before any thread exists, so that every thread
	 * inherits the mask: SIGUSR1 is for the reloader's sigwait, the others
	 * for libmilter's (a thread without them blocked would die of SIGTERM).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&vigie_reload_thread, NULL, vigie_reloader, NULL) != 0)
		vigie_die("cannot start the reload thread");
	hup_takeover(vigie_hup);
	if (vigie_metrics != NULL && !metrics_start(vigie_metrics))
		vigie_die("StatsSocket: cannot start the metrics thread");
	vigie_ready(ready);
	rc = smfi_main();
	log_info("stopping%s", rc == MI_SUCCESS ? "" : " after a libmilter error");
	atomic_store(&vigie_stopping, true);
	hup_takeover(NULL);
	pthread_kill(vigie_reload_thread, SIGUSR1);
	pthread_join(vigie_reload_thread, NULL);
	metrics_stop(vigie_metrics);
	vigie_metrics = NULL;
	if (vigie_pidfile != NULL && !pidfile_remove(vigie_pidfile))
		log_warning("cannot remove %s: %s (its directory should belong to the UserID)",
			    vigie_pidfile, strerror(errno));
	free(vigie_pidfile);
	/* callbacks still under way use the runtime, the log and ICU's caches */
	drained = filter_drain(VIGIE_DRAIN_MS);
	runtime_shutdown();
	if (drained)
		u_cleanup();
	else
		log_warning("some message steps still ran after %d ms: exiting anyway",
			    VIGIE_DRAIN_MS);
	log_info("stopped");
	log_close();
	vbuf_free(&errors);
	vbuf_free(&why);
	return rc == MI_SUCCESS ? 0 : 1;
}
