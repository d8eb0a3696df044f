/*
 * macroset - macro values and the SMFIC_MACRO packets that carry them.
 *
 * Touches: nothing but the set and the output buffer it writes to.
 * A set holds at most MACROSET_MAX names; putting more is ignored (the
 * load generator defines about fifteen).
 */
#include <config.h>

#include <string.h>

#include "macroset.h"

/*
 * Postfix 3.7's defaults (milter_*_macros in postconf(5)), plus
 * {client_addr} and {client_name} at connect: milters commonly ask for
 * those two, and sending them costs the same as Postfix does when asked.
 */
static const char *const macroset_defaults[MACROSET_STAGES] = {
	[MACROSET_CONNECT] = "j {daemon_name} {daemon_addr} v _ {client_addr} {client_name}",
	[MACROSET_HELO] = "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}",
	[MACROSET_MAIL] = "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
	[MACROSET_RCPT] = "i {rcpt_addr} {rcpt_host} {rcpt_mailer}",
	[MACROSET_DATA] = "i",
	[MACROSET_EOM] = "i",
	[MACROSET_EOH] = "i",
};

/* macroset_init - an empty set */
void macroset_init(struct macroset *m)
{
	m->n = 0;
}

/* macroset_bare - a name without its braces */
static void macroset_bare(const char **name, size_t *len)
{
	if (*len >= 2 && (*name)[0] == '{' && (*name)[*len - 1] == '}') {
		(*name)++;
		*len -= 2;
	}
}

/* macroset_get - the value of a name (braces optional), or NULL */
const char *macroset_get(const struct macroset *m, const char *name, size_t len)
{
	macroset_bare(&name, &len);
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->name[i]) == len && memcmp(m->name[i], name, len) == 0)
			return m->value[i];
	return NULL;
}

/* macroset_put - define or redefine a macro; NULL value leaves it undefined */
void macroset_put(struct macroset *m, const char *name, const char *value)
{
	if (value == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0) {
			m->value[i] = value;
			return;
		}
	if (m->n < MACROSET_MAX) {
		m->name[m->n] = name;
		m->value[m->n] = value;
		m->n++;
	}
}

/* macroset_default_list - what Postfix sends at this stage unless asked otherwise */
const char *macroset_default_list(enum macroset_stage stage)
{
	return stage < MACROSET_STAGES ? macroset_defaults[stage] : "";
}

/* macroset_send - one SMFIC_MACRO packet for command cmd with the listed macros */
void macroset_send(const struct macroset *m, const char *list, char cmd, struct milterio *io)
{
	const char *p = list;

	if (list == NULL || list[strspn(list, " \t,")] == '\0')
		return;
	milterio_begin(io, 'D');
	milterio_add(io, &cmd, 1);
	while (*p != '\0') {
		size_t len;
		const char *v;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == 0)
			break;
		if ((v = macroset_get(m, p, len)) != NULL) {
			milterio_add(io, p, len);
			milterio_add(io, "", 1);
			milterio_addstr(io, v);
		}
		p += len;
	}
	milterio_end(io);
}
