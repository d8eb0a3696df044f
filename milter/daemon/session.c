/*
 * session - per-connection state, created at connect and freed at close.
 *
 * Touches: the heap only. A message's analysis and its reference to the
 * runtime are released at end of message, on abort and on close, so a
 * connection that carries many messages holds at most one of each.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "message.h"
#include "runtime.h"
#include "session.h"
#include "xalloc.h"

/* session_new - a connection with nothing known yet */
struct session *session_new(void)
{
	struct session *s = xcalloc(1, sizeof(*s));

	edit_init(&s->edit);
	snprintf(s->client, sizeof(s->client), "local");
	return s;
}

/* session_end_message - forget the message in progress, keep the connection */
void session_end_message(struct session *s)
{
	message_free(s->msg);
	s->msg = NULL;
	runtime_release(s->rt);
	s->rt = NULL;
	s->body_done = false;
	s->policy_on = false;
	s->policy_gated = false;
	edit_reset(&s->edit);
	s->qid[0] = '\0';
	s->busy.tv_sec = 0;
	s->busy.tv_nsec = 0;
}

/* session_free - the connection is closed */
void session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_end_message(s);
	edit_reset(&s->edit);
	free(s);
}

/* session_set_addr - remember the client's address (NULL or non-IP: local) */
void session_set_addr(struct session *s, const void *sap)
{
	const struct sockaddr *sa = sap;

	s->addr_len = 0;
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = sap;

		memcpy(s->addr, &in->sin_addr, 4);
		s->addr_len = 4;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = sap;

		memcpy(s->addr, in6->sin6_addr.s6_addr, 16);
		s->addr_len = 16;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			memmove(s->addr, s->addr + 12, 4);
			s->addr_len = 4;
		}
	}
	if (s->addr_len == 0 ||
	    inet_ntop(s->addr_len == 4 ? AF_INET : AF_INET6, s->addr, s->client,
		      sizeof(s->client)) == NULL)
		snprintf(s->client, sizeof(s->client), "local");
}

/* session_set_addr_text - the client's address from text ({client_addr}), if it is one */
void session_set_addr_text(struct session *s, const char *text)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	const char *p = text;
	char buf[INET6_ADDRSTRLEN + 1];
	size_t n;

	if (p == NULL)
		return;
	/* Sendmail writes IPv6 clients as "IPv6:2001:db8::1" */
	if (strncasecmp(p, "IPv6:", 5) == 0)
		p += 5;
	n = strlen(p);
	if (n >= sizeof(buf))
		return;
	memcpy(buf, p, n + 1);
	if (inet_pton(AF_INET, buf, &in.sin_addr) == 1)
		session_set_addr(s, &in);
	else if (inet_pton(AF_INET6, buf, &in6.sin6_addr) == 1)
		session_set_addr(s, &in6);
}

/* session_busy_start - note when a callback started */
void session_busy_start(struct timespec *t0)
{
	clock_gettime(CLOCK_MONOTONIC, t0);
}

/* session_busy_add - add the time since t0 to the message's busy time */
void session_busy_add(struct session *s, const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->busy.tv_sec += t1.tv_sec - t0->tv_sec;
	s->busy.tv_nsec += t1.tv_nsec - t0->tv_nsec;
	while (s->busy.tv_nsec < 0) {
		s->busy.tv_nsec += 1000000000L;
		s->busy.tv_sec--;
	}
	while (s->busy.tv_nsec >= 1000000000L) {
		s->busy.tv_nsec -= 1000000000L;
		s->busy.tv_sec++;
	}
}

/* session_busy_ms - milliseconds vigie spent on the message */
double session_busy_ms(const struct session *s)
{
	return (double)s->busy.tv_sec * 1e3 + (double)s->busy.tv_nsec / 1e6;
}
