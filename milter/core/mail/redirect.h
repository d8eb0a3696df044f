/*
 * redirect - where a redirecting URL says it leads. Open redirectors and
 * tracking links carry their target in the URL itself: a query parameter
 * (google.com/url?q=, Outlook safelinks ?url=, l.facebook.com/l.php?u=,
 * youtube.com/redirect?q=, linkedin.com/redir/redirect?url=, an e-mail
 * service provider's ?url=, ?u=, ?target=, ?redirect=, ?dest=...) or the
 * rest of the path after the redirector's own ("/r/https://..."). Any
 * parameter counts, whatever its name, when its value is a URL once
 * percent-decoded (at most twice: %253A is %3A is ':'): it starts with
 * http:// or https:// (any case, slashes or backslashes) or www. Parameters
 * are split at '&', ';' and "&amp;", in the query and the fragment.
 *
 * Targets are nested once: the target of a target (google.com/url?q= of a
 * safelinks URL) is found too, no deeper. At most REDIRECT_TARGETS_MAX
 * targets per URL; at most URL_MAX bytes of the URL are read. Linear in the
 * URL; memory is two URL_MAX buffers on the stack.
 */
#ifndef VIGIE_REDIRECT_H
#define VIGIE_REDIRECT_H

#include <stdbool.h>
#include <stddef.h>

#define REDIRECT_TARGETS_MAX 4	/* targets reported per URL, nested ones included */
#define REDIRECT_DEPTH 2	/* a target (1) and the target of a target (2) */

/* A target: decoded, valid during the call only; depth 1 or 2. */
typedef void redirect_fn(void *ctx, const char *target, size_t len, unsigned depth);

size_t redirect_targets(const char *url, size_t len, redirect_fn *fn, void *ctx);
bool redirect_is_url(const char *s, size_t len);

#endif
