/*
 * linkrec - a links sink that writes each link into one transcript:
 * "SOURCE host|text|shown|flags;" where shown is the name the text shows;
 * a redirector's target ends "@redirector;".
 */
#ifndef VIGIE_TEST_LINKREC_H
#define VIGIE_TEST_LINKREC_H

#include "links.h"
#include "vbuf.h"

/* linkrec_link - one link */
static void linkrec_link(void *arg, const struct link *l)
{
	static const char *const src[] = { "URL", "BARE", "EMAIL", "HREF", "AREA", "FORM" };

	vbuf_printf(arg, "%s %s|%.*s|%.*s|%x%s%s;", src[l->source], l->target->host,
		    (int)l->text_len, l->text, (int)l->text_host_len,
		    l->text_host ? l->text_host : "", l->flags, l->via ? "@" : "", l->via ? l->via : "");
}

#endif
