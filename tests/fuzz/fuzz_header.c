/*
 * fuzz_header - a field value through RFC 2047 decoding, address parsing
 * (list and envelope), addresses-in-text, Content-Type parsing and URL host
 * extraction, with the invariants each promises.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "address.h"
#include "content.h"
#include "header.h"
#include "invariant.h"
#include "url.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct header h;
	static struct address_list l;
	static struct vbuf out = VBUF_INIT(HEADER_TEXT_MAX);
	static bool ready;
	const char *v = (const char *)data;
	size_t len = size, pos = 0;
	struct address_span sp;
	struct content c;
	struct url u;

	if (!ready) {
		header_init(&h);
		address_list_init(&l);
		ready = true;
	}
	header_reset(&h);
	if (!header_admit(&h, HEADER_SUBJECT, v, &len))
		return 0;
	vbuf_reset(&out);
	header_decode(&h, v, len, &out);
	invariant_utf8(vbuf_str(&out), out.len);
	for (size_t i = 0; i < out.len; i++)
		invariant((unsigned char)out.data[i] >= 0x20 && out.data[i] != 0x7f);
	invariant(out.len == 0 || (out.data[0] != ' ' && out.data[out.len - 1] != ' '));

	address_parse(&l, &h, v, len);
	invariant(l.count <= ADDRESS_MAX && l.count <= l.total);
	for (size_t i = 0; i < l.count; i++) {
		invariant_utf8(l.item[i].display, strlen(l.item[i].display));
		invariant_utf8(l.item[i].local, strlen(l.item[i].local));
		invariant_utf8(l.item[i].domain, strlen(l.item[i].domain));
	}
	address_envelope(&l, &h, v, len);
	while (address_in_text(v, len, &pos, &sp)) {
		invariant(sp.local + sp.local_len <= sp.domain && sp.domain + sp.domain_len <= len);
		invariant(sp.local_len > 0 && sp.domain_len > 0);
	}
	invariant(pos == len);

	content_init(&c, false);
	content_type(&c, v, len);
	invariant(strlen(c.boundary) == c.boundary_len && c.boundary_len <= CONTENT_BOUNDARY_MAX);
	content_encoding(&c, v, len);
	content_disposition(&c, v, len);

	for (int guess = 0; guess < 2; guess++) {
		url_parse(&u, v, len, guess);
		invariant(u.host_len == strlen(u.host) && u.host_len <= URL_HOST_MAX);
	}
	return 0;
}
