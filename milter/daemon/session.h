/*
 * session - the state of one MTA connection (smfi_setpriv), and of the
 * message in progress on it. Nothing about a message lives anywhere else.
 */
#ifndef VIGIE_SESSION_H
#define VIGIE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "edit.h"
#include "policy.h"

struct message;
struct runtime;
struct spool;

#define SESSION_ADDR_TEXT 64		/* "[2001:db8::1]" and the like */
#define SESSION_QID_MAX 64		/* bytes of queue id kept */
#define SESSION_HELO_MAX 255		/* bytes of the HELO name kept, for SPF */
#define SESSION_NAME_MAX 256		/* bytes of the MTA's name (j) kept */

struct session {
	/* the connection */
	uint8_t addr[16];		/* client address, v4-mapped unwrapped */
	size_t addr_len;		/* 4, 16, or 0: not an IP client */
	char client[SESSION_ADDR_TEXT];	/* for log lines */
	char helo[SESSION_HELO_MAX + 1];	/* the HELO/EHLO name, "" if none seen */
	unsigned long actions;		/* SMFIF_* the MTA granted */
	bool leadspc;			/* header values keep their leading space */
	bool can_skip;			/* the MTA understands SMFIS_SKIP */
	unsigned long noreply;		/* SMFIP_NR_* steps negotiated */
	char mta_name[SESSION_NAME_MAX];	/* the j macro at connect; "" when none */
	/* the message */
	struct runtime *rt;		/* held from MAIL FROM to the end */
	struct message *msg;		/* NULL: not analysing this message */
	bool body_done;			/* the analysis needs no more body */
	struct spool *spool;		/* the body, kept for the warning banner; NULL: not kept */
	struct edit edit;
	bool policy_on;			/* DomainPolicies: recipients are merged in policy */
	bool policy_gated;		/* the merged policy's Analyse was looked at */
	struct policy_merge policy;
	char qid[SESSION_QID_MAX];
	struct timespec busy;		/* time spent in our callbacks */
};

struct session *session_new(void);
void session_end_message(struct session *s);
void session_free(struct session *s);
void session_set_addr(struct session *s, const void *sa);
void session_set_addr_text(struct session *s, const char *text);
void session_busy_start(struct timespec *t0);
void session_busy_add(struct session *s, const struct timespec *t0);
double session_busy_ms(const struct session *s);

#endif
