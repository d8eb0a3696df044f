-- claims-address.lua - a brand claimed by the addresses themselves: From's
-- local part (a year glued), a quoted local part holding the brand's address,
-- the brand's own domain in Sender, unsigned.
-- One vigie for all (H.techniques): each message on its own connection.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.techniques({
	-- The brand only in From's local part, glued to a year
	-- (webmail lists show the address when there is no display name).
	{
		name = "brand in the local part",
		from = "<kalixia2024@gestion-tp-pro.example>",
		headers = {
			{ "From", " kalixia2024@gestion-tp-pro.example" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Mise à jour de votre RIB" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
			{ "MIME-Version", " 1.0" },
			{ "Content-Type", " text/plain; charset=utf-8" },
		},
		body = "Merci de mettre à jour votre RIB sous 48 heures.\r\n",
		verdict = "impersonation",
		codes = { "address-claim from", "lure" },
	},
	-- A quoted local part holding the brand's address:
	-- "noreply@carteblanchepartenaires.fr"@secure-portail.example.
	{
		name = "brand address in a quoted local part",
		from = "<bounce@secure-portail.example>",
		headers = {
			{ "From", " \"noreply@carteblanchepartenaires.fr\"@secure-portail.example" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "impersonation",
		codes = { "address-claim from" },
	},
	-- A brand's own domain in Sender, unsigned: held to the
	-- rule From is held to, so DKIM runs (DKIMVerify brands) and says none.
	{
		name = "brand domain in Sender",
		from = "<noreply@tp-notif.example>",
		headers = {
			{ "From", " Relations professionnels <noreply@tp-notif.example>" },
			{ "Sender", " =?utf-8?Q?SP_Sant=C3=A9?= <noreply@spsante.fr>" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "impersonation",
		codes = { "brand-unauthenticated sender" },
		authres = "^" .. "mx%.vigie%.test; dkim=none",
	},
})
