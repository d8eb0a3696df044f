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
#include "pipeline.h"
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
	pipeline_utf8(vbuf_str(&out), out.len);
	for (size_t i = 0; i < out.len; i++)
		pipeline_check((unsigned char)out.data[i] >= 0x20 && out.data[i] != 0x7f);
	pipeline_check(out.len == 0 || (out.data[0] != ' ' && out.data[out.len - 1] != ' '));

	address_parse(&l, &h, v, len);
	pipeline_check(l.count <= ADDRESS_MAX && l.count <= l.total);
	for (size_t i = 0; i < l.count; i++) {
		pipeline_utf8(l.item[i].display, strlen(l.item[i].display));
		pipeline_utf8(l.item[i].local, strlen(l.item[i].local));
		pipeline_utf8(l.item[i].domain, strlen(l.item[i].domain));
	}
	address_envelope(&l, &h, v, len);
	while (address_in_text(v, len, &pos, &sp)) {
		pipeline_check(sp.local + sp.local_len <= sp.domain && sp.domain + sp.domain_len <= len);
		pipeline_check(sp.local_len > 0 && sp.domain_len > 0);
	}
	pipeline_check(pos == len);

	content_init(&c, false);
	content_type(&c, v, len);
	pipeline_check(strlen(c.boundary) == c.boundary_len && c.boundary_len <= CONTENT_BOUNDARY_MAX);
	content_encoding(&c, v, len);
	content_disposition(&c, v, len);

	for (int guess = 0; guess < 2; guess++) {
		url_parse(&u, v, len, guess);
		pipeline_check(u.host_len == strlen(u.host) && u.host_len <= URL_HOST_MAX);
	}
	return 0;
}
