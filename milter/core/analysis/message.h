/*
 * message - the streaming analysis of one message: fed as the milter is fed
 * (envelope, header fields one by one, body chunks), finished once, then read.
 *
 * The milter and vigie-check make the same calls, so what vigie-check says is
 * what the milter does. Bad input is never an error: it becomes findings.
 * Memory per message is bounded by the caps below and those of the parsers,
 * whatever the size of the message.
 *
 * Order of calls: message_new; message_trust (TrustedAuthservIDs: a
 * NULL-terminated list that must outlive the message; default none),
 * optional and before the first field;
 * message_client (the SMTP client's address and HELO name, for SPF) and
 * message_envelope_from (optional),
 * message_header for each field (value exactly as received after the colon,
 * folding kept, CRLF or LF), message_eoh, message_body for each chunk until
 * it returns false (nothing more is needed: the link scan past MaxBodyScan
 * reached MESSAGE_LINKSCAN_MAX or its link caps, and DKIM has what it
 * needs), message_eom; then the readers. A missing step is
 * supplied (message_eom without message_eoh ends the header first).
 */
#ifndef VIGIE_MESSAGE_H
#define VIGIE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dkimcheck.h"
#include "dmarccheck.h"
#include "linkfind.h"
#include "spfcheck.h"
#include "reason.h"
#include "vbuf.h"

struct detector;
struct verdict;

enum message_dkim {
	MESSAGE_DKIM_NEVER,		/* do not verify */
	MESSAGE_DKIM_BRANDS,		/* only when From or Sender is a brand domain */
	MESSAGE_DKIM_ALWAYS		/* every message */
};

/* SPFVerify; 0 is never, so that callers that do not know SPF leave it off */
enum message_spf {
	MESSAGE_SPF_NEVER,		/* a relay's spf= (TrustedAuthservIDs) or nothing */
	MESSAGE_SPF_BRANDS,		/* only when From or Sender is a brand domain */
	MESSAGE_SPF_ALWAYS		/* every message */
};

/*
 * Every field is set by the callers (some leave the struct uninitialised
 * otherwise): options beyond these come through setters, with defaults.
 */
struct message_opts {
	size_t max_body_scan;		/* body bytes examined (MaxBodyScan); 0: none */
	enum message_dkim dkim;		/* DKIMVerify */
	const char *authserv_id;	/* AuthservID, for Authentication-Results; NULL: "localhost" */
	enum message_spf spf;		/* SPFVerify */
};

#define MESSAGE_SCAN_DEFAULT (256u << 10)	/* MaxBodyScan of vigie.conf's defaults */
/*
 * Body bytes read at all: past MaxBodyScan only for links, cheaply
 * (linkscan.h), so that padding cannot push a link out of sight; far above
 * what MTAs accept by default (Postfix: 10 MB).
 */
#define MESSAGE_LINKSCAN_MAX (64u << 20)
#define MESSAGE_HOSTS_MAX 64		/* distinct link hosts judged per message */
#define MESSAGE_LINKS_MAX 64		/* links judged (host, shown name) per message */
#define MESSAGE_TRUSTED_MAX 16		/* dkim=pass domains kept from trusted relays */
#define MESSAGE_REPLY_TO_MAX 8		/* Reply-To addresses judged */

/* What the caps left out; every field 0 when nothing was. */
struct message_caps {
	size_t header_skipped;		/* fields over the count caps (header.h) */
	size_t header_truncated;	/* values analysed only up to HEADER_VALUE_MAX */
	size_t addresses_dropped;	/* addresses past ADDRESS_MAX in a field, or Reply-To past MESSAGE_REPLY_TO_MAX */
	size_t body_unscanned;		/* body bytes past max_body_scan: read for links only, if at all */
	size_t body_unlinked;		/* ... of which past MESSAGE_LINKSCAN_MAX or the link caps: not read */
	unsigned mime_flags;		/* MIME_F_DEPTH, MIME_F_PARTS, MIME_F_HEADER when hit */
	size_t links_unjudged;		/* links past MESSAGE_LINKS_MAX / MESSAGE_HOSTS_MAX or LINKS_MAX */
	size_t dkim_unverified;		/* signatures past DKIMCHECK_MAX_SIGS or over its size limits */
	size_t reasons_dropped;		/* findings past REASON_LIST_MAX */
};

/* The From address, decoded; strings valid until message_free. */
struct message_from {
	const char *display;		/* display name, UTF-8, "" if none */
	const char *address;		/* local@domain as written (UTF-8) */
	const char *domain;		/* A-label form; "" if none or unparseable */
	size_t fields;			/* From fields seen */
	size_t addresses;		/* addresses in the first From field */
};

/* One DKIM signature as the analysis used it. */
struct message_sig {
	const struct dkimcheck_sig *sig;	/* d=, s=, a=, result, reason */
	bool checked;			/* false: set aside unverified (cannot change the verdict) */
	bool aligned;			/* relaxed alignment with From, or a signer of From's brand */
	const char *trusted;		/* authserv-id of a trusted relay that saw it pass, or NULL */
};

/* One link judged: its host and, for anchors, the name its text shows. */
struct message_link {
	enum link_source source;
	char host[256];			/* A-label form, or as written when unparseable */
	char shows[256];		/* "" when the text shows no domain */
	char via[256];			/* the redirector whose URL carries this target, or "" */
	bool finding;			/* a finding was drawn from it */
	enum reason_code code;		/* that finding's code */
	char detail[REASON_DETAIL_MAX + 1];
};

/*
 * An observer of the parsers as the analysis drives them, for the golden
 * transcripts and the parsers' fuzz targets: they see exactly what
 * message.c parsed. Every callback is optional; set before the first field.
 */
struct address_list;
struct header;
struct link;
struct links_stats;
struct mime_part;
struct mime_stats;

struct message_observer {
	void (*addresses)(void *ctx, const char *field, const struct address_list *l);
	void (*subject)(void *ctx, const char *text, size_t len, unsigned flags);
	void (*part)(void *ctx, const struct mime_part *part);
	void (*text)(void *ctx, const struct mime_part *part, const char *s, size_t n);
	void (*link)(void *ctx, const struct link *l);
	void (*end)(void *ctx, const struct mime_stats *ms, const struct links_stats *ls,
		    const struct header *h);
	void *ctx;
};

struct message *message_new(const struct detector *det, const struct message_opts *opts);
void message_trust(struct message *m, char *const *authserv_ids);
void message_observe(struct message *m, const struct message_observer *o);
void message_envelope_from(struct message *m, const char *addr);
void message_client(struct message *m, const char *ip, const char *helo);
void message_header(struct message *m, const char *name, const char *value);
void message_eoh(struct message *m);
bool message_body(struct message *m, const void *data, size_t len);
void message_eom(struct message *m);
const struct verdict *message_verdict(const struct message *m);
bool message_authres(const struct message *m, struct vbuf *value);
/* the From domain as an A-label ("" if none or unparseable), for log lines */
const char *message_from_domain(const struct message *m);
void message_free(struct message *m);

/* Readers for reports (vigie-check --json), valid after message_eom. */
const struct message_from *message_from(const struct message *m);
size_t message_sig_count(const struct message *m);
const struct message_sig *message_sig(const struct message *m, size_t i);
size_t message_link_count(const struct message *m);
const struct message_link *message_link(const struct message *m, size_t i);
const struct message_caps *message_caps(const struct message *m);
bool message_caps_hit(const struct message *m);
void message_caps_text(const struct message *m, struct vbuf *out);
bool message_dkim_evaluated(const struct message *m);
const struct detector *message_detector(const struct message *m);
/* SPF as evaluated by vigie, NULL when it was not tried (SPFVerify, a trusted relay's spf=) */
const struct spfcheck_out *message_spf(const struct message *m);
/* DMARC: evaluated false when it was not, with the reason why */
const struct dmarccheck_out *message_dmarc(const struct message *m);
/* the SPF result the verdict used: vigie's, or a trusted relay's (*by set), or NULL */
const struct spfcheck_out *message_spf_used(const struct message *m, const char **by);
/* a trusted relay's dmarc= read (its authserv-id, NULL if none) */
const char *message_trusted_dmarc(const struct message *m, enum dmarccheck_result *result);
/* DNS lookups the message cost (DKIM keys, SPF, DMARC), the zone's included */
unsigned message_dns_queries(const struct message *m);

#endif
