/*
 * message_int - the state of one message's analysis, shared by its files:
 * message.c (feeding: fields, body; the readers), message_links.c (the
 * links of the body), message_claims.c (claims to be a brand, surface by
 * surface), message_auth.c (DKIM, SPF, DMARC, trusted relays: whether
 * From's brand domain is authenticated) and message_judge.c (the findings
 * at the end), as Dovecot's message-parser-private.h. Not an API:
 * message.h is.
 */
#ifndef VIGIE_MESSAGE_INT_H
#define VIGIE_MESSAGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"
#include "authres.h"
#include "brands.h"
#include "dkimbody.h"
#include "dkimcheck.h"
#include "dkimlen.h"
#include "dmarccheck.h"
#include "dns.h"
#include "domain.h"
#include "header.h"
#include "lexicon.h"
#include "links.h"
#include "message.h"
#include "mime.h"
#include "spfcheck.h"
#include "verdict.h"

#define MESSAGE_FROM_JUDGED 4		/* addresses of one From field checked */
#define MESSAGE_INNER_MAX 4		/* addresses inside the display name judged */
#define MESSAGE_LISTID_MAX 255
#define MESSAGE_CLAIMS_MAX 32		/* claims listed per message; the strongest is kept past it */
#define MESSAGE_READS_MAX 16		/* names and local parts that claim a brand, kept */
#define MESSAGE_BODYCHECK_MAX 4		/* brand signatures whose body is checked for a list footer */
#define MESSAGE_HELO_MAX 255

/* How far From's brand domain is authenticated: the rows of vigie-scoring(7). */
enum message_auth {
	AUTH_NONE,		/* From is no brand's domain */
	AUTH_PASS,		/* a brand's domain, authenticated (DMARC pass, a pack signer, a trusted relay) */
	AUTH_UNKNOWN,		/* a brand's domain; DKIM off, or a temperror where a pass could be */
	AUTH_WEAK,		/* not authenticated, but the brand may send such mail: DMARC p=none or
				   no record, or a mailing list changed it in transit */
	AUTH_FAIL		/* not authenticated, under p=quarantine or p=reject (or no DMARC known) */
};

/* What DKIM says about the From domain. */
struct message_dkimsum {
	const struct dkimcheck_sig *pass;	/* an aligned pass (not t=y) */
	const char *trusted;			/* a trusted relay's aligned pass */
	const char *trusted_domain;
	const struct dkimcheck_sig *testing;	/* an aligned pass with a t=y key */
	const struct dkimcheck_sig *temperror;	/* an aligned temperror */
	const struct dkimcheck_sig *bad;	/* an aligned failure of another kind */
	const struct dkimcheck_sig *other;	/* a signature not aligned */
	size_t count;
};

/* A trusted relay's results, read from the topmost block of Authentication-Results. */
struct message_trusted {
	enum { TRUST_BEFORE, TRUST_IN, TRUST_AFTER } block;	/* a Received field ends the block */
	size_t ignored;			/* fields with a trusted id below the block */
	const char *passed;		/* a trusted relay whose own Received came already:
					   its fields below it came from outside */
	bool has_spf;
	struct spfcheck_out spf;	/* its spf= (evaluated, result, identity, domain) */
	const char *spf_by;
	bool has_dmarc;
	enum dmarccheck_result dmarc;
	char dmarc_from[DNSNAME_MAX + 1];
	const char *dmarc_by;
};

/* The authentication of the message as message_auth.c concluded. */
struct message_authsum {
	enum message_auth state;
	struct message_dkimsum dkim;
	const struct spfcheck_out *spf;	/* the SPF result used (own or trusted), NULL if none */
	const char *spf_by;		/* the trusted relay it comes from, or NULL */
	bool spf_pass_aligned;		/* an SPF pass aligned with From */
	bool dmarc_trusted_pass;	/* a trusted relay's dmarc=pass for From */
	bool list;			/* a mailing list changed the brand's signed mail */
	char list_signer[DNSNAME_MAX + 1];	/* the list's passing signature */
	const char *list_change;	/* "a footer", "a Subject tag", both */
};

/* A domain carried by an address, as the domain engine saw it. */
struct message_dom {
	bool present;			/* an address with a domain was there */
	bool parsed;			/* the domain engine accepted it */
	char ascii[DNSNAME_MAX + 1];
	char registrable[DNSNAME_MAX + 1];
	const struct brand *owner;	/* the brand owning it, or NULL */
	const struct brand *imitated;	/* the brand it imitates (lookalike findings), or NULL */
	enum reason_code code;		/* the strongest lookalike finding, when imitated */
	int strength;
	char detail[REASON_DETAIL_MAX + 1];
	bool weak;			/* every finding weak: held for a corroborating claim */
	bool corroborated;		/* ... and one was found (message_context.c) */
};

/* What the lexicon found in one text (subject, body, display name). */
struct message_words {
	const struct brand *brand;	/* the first brand named */
	bool brand_disguised;		/* ... only with hidden or look-alike letters */
	unsigned terms, actions;	/* lure phrases found (distinct): terms, requests and threats */
	unsigned requests;		/* ... of which requests for the data */
	const char *term;		/* the first of each, as listed */
	const char *action;
	const char *request;
	unsigned char seen[LEXICON_ENTRIES_MAX / 8];
};

/*
 * Where a claim to be a brand was read: the surfaces of vigie-scoring(7).
 * SURFACE_BIT(s) makes the masks message_claim_surface takes.
 */
enum message_surface {
	SURFACE_DISPLAY,	/* From's display name */
	SURFACE_GROUP,		/* the name of a group in From */
	SURFACE_COMMENT,	/* a comment of From beside its display name */
	SURFACE_SENDER_NAME,	/* Sender's display name */
	SURFACE_LOCAL,		/* the local part of From, Sender or Reply-To */
	SURFACE_ADDRESS,	/* an address written in a display name or a local part */
	SURFACE_BRAND_DOMAIN,	/* a brand's own domain in From or Sender, not authenticated */
	SURFACE_LOOKALIKE,	/* a lookalike domain in an address */
	SURFACE_SUBJECT,	/* the Subject */
	SURFACE_BODY,		/* the body: disguised letters, or a request (body-claim) */
	SURFACE_LINKS,		/* lookalike or mismatched links */
	SURFACE_LIST,		/* a display name a mailing list relays (its author's) */
	SURFACE_OTHER		/* any other (message_claim_set) */
};
#define SURFACE_BIT(s) (1u << (s))
#define SURFACE_HEADER_NAMES (SURFACE_BIT(SURFACE_DISPLAY) | SURFACE_BIT(SURFACE_GROUP) | \
			      SURFACE_BIT(SURFACE_COMMENT) | SURFACE_BIT(SURFACE_SENDER_NAME) | \
			      SURFACE_BIT(SURFACE_LOCAL) | SURFACE_BIT(SURFACE_ADDRESS))

/*
 * One claim to be a brand: who makes it (surface, field), how strongly it
 * counts for the rules that need a claim (level: reply-to, lure, and the
 * corroboration of weak lookalikes) and how sure its reading is (strength,
 * the finding's when it made one).
 */
struct message_claim_item {
	const struct brand *brand;
	const char *by;		/* "display name", "From domain look-alike", ... */
	int level;		/* 3 strong, 2 Subject or body request, 1 body mention */
	enum message_surface surface;
	enum reason_where where;
	int strength;		/* 0..100 */
	const struct message_dom *src;	/* the Reply-To making it, if so */
};

/*
 * Who claims to be a brand: the strongest claim (reply-to and lure weigh by
 * it; the first of equals) and every claim made (weak lookalikes look for
 * corroboration there: message_claim_find, message_claim_surface).
 */
struct message_claim {
	const struct brand *brand;
	const char *by;
	int level;		/* 0: none */
	const struct message_dom *src;	/* the Reply-To making it, if so */
	struct message_claim_item all[MESSAGE_CLAIMS_MAX];
	size_t n;
};

/* A name or local part that claims a brand, read as its field came and judged at the end. */
struct message_read {
	enum message_surface surface;
	enum reason_where where;
	struct brands_claim claim;	/* what the name claims (not for SURFACE_ADDRESS) */
	struct message_dom inner;	/* SURFACE_ADDRESS: the domain of the address held */
	const struct message_dom *dom;	/* the domain of the address the name or part is of */
	char text[ADDRESS_NAME_MAX + 1];	/* the name, the local part, or the address held */
	char local[ADDRESS_PART_MAX + 1];	/* the local part of the address */
};

/* A link host, judged once per message. */
struct message_host {
	char host[URL_HOST_MAX + 1];	/* as the link gave it */
	bool ip;			/* an address literal: not a domain */
	struct message_dom dom;
};

/* A link kept for the end: what it leads to and what it shows. */
struct message_linkrec {
	struct message_link out;	/* what the readers see */
	size_t host;			/* index into the message's host table */
	const struct brand *shows_brand;	/* brand owning the domain the text shows */
	char shows_domain[DNSNAME_MAX + 1];
	bool in_userinfo;		/* the brand domain is shown before '@' in the URL */
	bool unsigned_part;		/* found in the body past a signature's l= */
	bool mention;			/* only named in text: a bare domain, an address */
	bool has_targets;		/* a redirector whose targets are judged as links */
};

struct message {
	const struct detector *det;
	const struct message_observer *obs;	/* NULL: none */
	const struct brands *brands;
	size_t max_scan;
	enum message_dkim dkim_mode;
	char authserv_id[AUTHRES_ID_MAX + 1];
	char *const *trusted;
	bool eoh_done, eom_done;

	/* parsers */
	struct header hdr;
	struct address_list addrs;
	struct vbuf text, ctype, cte;
	struct mime *mime;
	struct links *links;
	struct lexicon_scan scan;
	struct message_words *words;	/* the text being scanned */
	bool scan_more, dkim_more;
	size_t scanned;			/* body bytes given to the MIME parser */
	bool deep;			/* past max_scan: links only (links_deep) */

	/* From */
	size_t from_fields;
	size_t from_addresses;		/* in the first From field */
	bool from_usable;
	char from_display[ADDRESS_NAME_MAX + 1];
	unsigned from_display_flags;
	char from_address[2 * ADDRESS_PART_MAX + 2];
	struct message_dom from;
	const struct brand *from_any_owner;	/* a brand owning any From address's domain */
	struct message_from from_out;

	/* other addresses */
	struct message_dom sender, return_path, envelope;
	struct message_dom reply_to[MESSAGE_REPLY_TO_MAX];
	size_t nreply_to;

	/* claims read from names and local parts as they came (message_claims.c) */
	struct message_read *reads;
	size_t nreads;
	bool sender_seen;

	/* words */
	struct message_words subject, body, display;
	struct message_words body_unsigned;	/* the body past l= (message_unsigned.c) */
	const struct brand *subject_claim;	/* brands_name_claim of the Subject */
	bool subject_seen;

	/* mailing lists and forwarders */
	char list_id[MESSAGE_LISTID_MAX + 1];
	bool arc;

	/* DKIM */
	struct dkimcheck *dk;
	struct dkimlen dlen;		/* where the l= of the aligned signatures ends */
	bool dlen_on;			/* ... when every one of them has an l= */
	bool unsigned_on;		/* the body being read is past it */
	bool unsigned_body;		/* judged: content past the l= of the signature that counts */
	bool dkim_evaluated;
	char trusted_pass[MESSAGE_TRUSTED_MAX][DNSNAME_MAX + 1];
	const char *trusted_by[MESSAGE_TRUSTED_MAX];
	size_t ntrusted;
	struct message_sig sig[DKIMCHECK_MAX_SIGS];
	size_t nsigs;

	/* SPF, DMARC, trusted relays, the mailing-list rule (message_auth.c) */
	enum message_spf spf_mode;
	char client_ip[SPFCHECK_IP_MAX];
	char helo[MESSAGE_HELO_MAX + 1];
	bool envelope_given;		/* message_envelope_from was called, "<>" included */
	char envelope_local[SPFCHECK_LOCAL_MAX + 1];
	char return_path_local[SPFCHECK_LOCAL_MAX + 1];
	struct dns_budget budget;	/* every DNS lookup of the message */
	bool spf_attempted;
	struct spfcheck_out spf;
	struct dmarccheck_out dmarc;
	struct message_trusted trust;
	struct dkimcheck *dk_untagged;	/* DKIM again, the list's Subject tag taken off */
	struct dkimbody *bodycheck[MESSAGE_BODYCHECK_MAX];
	size_t nbodycheck;
	bool auth_body_more;
	struct message_authsum auth;

	/* links */
	struct message_host *host;	/* grown as links come, up to MESSAGE_HOSTS_MAX */
	size_t nhosts, ahosts;
	struct message_linkrec *link;	/* the same, up to MESSAGE_LINKS_MAX */
	size_t nlinks, alinks;
	size_t forms;			/* <form action> seen in the body */

	struct message_caps caps;
	struct reason_list *weak;	/* weak findings of the addresses, held until the end
					   (allocated when the first comes: most mail has none) */
	struct verdict v;
};


void message_link_seen(void *arg, const struct link *l);
void message_dom_check(struct message *m, const char *name, size_t len,
		       enum reason_where where, struct message_dom *d, bool add);
void message_words_hit(void *ctx, const struct lexicon_entry *e, unsigned flags);
void message_words_scan(struct message *m, struct message_words *w, const char *s, size_t len);
void message_judge(struct message *m);
void message_detail(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void message_lookalike_claims(struct message_claim *c, const struct message *m,
			      const struct brand *authentic, bool corroborated);
bool message_own_site(const struct message *m, const struct message_dom *d);
void message_context(struct message *m, struct message_claim *c, const struct brand *authentic);
void message_unsigned_body(struct message *m, const struct brand *authentic);
void message_unsigned(struct message *m, const struct brand *authentic);
bool message_dom_aligned(const struct message *m, const struct message_dom *d, const char *domain);
bool message_aligned(const struct message *m, const char *domain);
/* message_claims.c */
void message_claims_from(struct message *m, const struct address_list *l);
void message_claims_sender(struct message *m, const struct address_list *l);
void message_claims_reply_to(struct message *m, size_t i, const struct address *a);
bool message_sender_aligned(const struct message *m, const char *domain);
void message_claim_set(struct message_claim *c, const struct brand *b, const char *by,
		       int level, const struct brand *authentic);
struct message_claim_item *message_claim_add(struct message_claim *c, const struct brand *b,
					     enum message_surface s, enum reason_where where,
					     int level, int strength, const char *by,
					     const struct brand *authentic);
const struct message_claim_item *message_claim_find(const struct message_claim *c,
						    const struct brand *b, int level);
const struct message_claim_item *message_claim_surface(const struct message_claim *c,
						       const struct brand *b, unsigned surfaces);
void message_claims_headers(struct message *m, struct message_claim *c,
			    const struct brand *authentic, bool list);
void message_claims_body(struct message *m, struct message_claim *c, const struct brand *authentic);
/* message_auth.c: what message.c calls at each step */
void message_auth_trusted(struct message *m, const char *value, size_t len);
void message_auth_received(struct message *m, const char *value, size_t len);
bool message_auth_dkim_wanted(void *ctx, const char *domain);
void message_auth_eoh(struct message *m);
bool message_auth_body(struct message *m, const void *data, size_t len);
void message_auth_eom(struct message *m);
void message_auth_free(struct message *m);
/* message_judge.c calls this for the brand-unauthenticated finding */
void message_auth_finding(struct message *m);

/* message_bad_strength - how much an aligned DKIM signature that does not pass weighs */
static inline int message_bad_strength(const struct dkimcheck_sig *bad)
{
	return bad->result == DKIMCHECK_FAIL ? 100 : bad->result == DKIMCHECK_POLICY ? 75 : 95;
}

#endif
