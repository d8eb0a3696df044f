/*
 * authzone - what fuzz_spf and fuzz_dmarc share: a TestDNS zone built from
 * a fuzzer's input, its first line as the TXT record under test (any bytes,
 * escaped as the zone format wants: \DDD, strings of 255 octets), the
 * following lines as more zone records when they parse (else ignored).
 */
#ifndef VIGIE_FUZZ_AUTHZONE_H
#define VIGIE_FUZZ_AUTHZONE_H

#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "testdns.h"
#include "vbuf.h"

/* authzone_txt - "NAME TXT "..." "..."" for the bytes given; a NUL ends them */
static void authzone_txt(struct vbuf *z, const char *name, const unsigned char *p, size_t n)
{
	size_t in_string = 0;

	vbuf_printf(z, "%s TXT \"", name);
	for (size_t i = 0; i < n && p[i] != '\0'; i++) {
		if (in_string == 250) {
			vbuf_adds(z, "\" \"");
			in_string = 0;
		}
		if (p[i] == '"' || p[i] == '\\' || p[i] < 0x20 || p[i] >= 0x7f)
			vbuf_printf(z, "\\%03u", p[i]);
		else
			vbuf_addc(z, (char)p[i]);
		in_string++;
	}
	vbuf_adds(z, "\"\n");
}

/* authzone_dns - a DNS over the record of the first line and the zone of the rest */
static struct dns *authzone_dns(const char *name, const unsigned char *data, size_t size)
{
	const unsigned char *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - data) : size;
	struct vbuf z = VBUF_INIT(1u << 20);
	char err[256];
	struct testdns *zone;

	authzone_txt(&z, name, data, first);
	if (nl != NULL) {
		size_t keep = z.len;

		vbuf_add(&z, nl + 1, size - first - 1);
		zone = testdns_parse(vbuf_str(&z), z.len, "fuzz", err, sizeof(err));
		if (zone == NULL)
			vbuf_truncate(&z, keep);
		else
			testdns_free(zone);
	}
	zone = testdns_parse(vbuf_str(&z), z.len, "fuzz", err, sizeof(err));
	vbuf_free(&z);
	return zone ? dns_new_zone(zone) : NULL;
}

#endif
