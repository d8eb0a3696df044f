# vigie.sieve - classer le courrier selon le verdict de vigie (RFC 5228 Sieve).
# File mail by vigie's verdict.
#
# - "impersonation" (usurpation probable) : rangé dans le dossier
#   "Usurpations", créé au besoin, et marqué important pour qu'on le voie ;
#   filed into the "Usurpations" folder (created if needed), flagged.
# - "suspect" : reste dans la boîte de réception, marqué important (drapeau) ;
#   stays in the inbox, flagged.
# - "clean" ou pas d'en-tête : rien ne change ; nothing changes.
#
# vigie retire tout X-Vigie-* entrant avant d'ajouter le sien : l'en-tête lu
# ici vient de vigie, sauf pour le courrier qu'il ne contrôle pas (clients
# authentifiés, InternalHosts), que l'expéditeur pourrait avoir garni.
# vigie removes incoming X-Vigie-* before adding its own, except on mail it
# lets through unchecked (authenticated clients, InternalHosts).
#
# Dovecot (Pigeonhole), for every user, before their own scripts:
#   cp vigie.sieve /etc/dovecot/sieve/ && sievec /etc/dovecot/sieve/vigie.sieve
#   /etc/dovecot/conf.d/90-sieve.conf:  sieve_before = /etc/dovecot/sieve/vigie.sieve
# Try it on a message: sieve-test vigie.sieve message.eml

require ["fileinto", "imap4flags", "mailbox"];

if header :matches "X-Vigie-Verdict" "impersonation*" {
	addflag "\\Flagged";
	fileinto :create "Usurpations";
	stop;
}

if header :matches "X-Vigie-Verdict" "suspect*" {
	addflag "\\Flagged";
}
