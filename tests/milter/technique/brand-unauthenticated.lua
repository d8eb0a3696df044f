-- brand-unauthenticated.lua - From the brand's own domain with no DKIM
-- signature: the exact-domain spoof. DKIM was evaluated (DKIMVerify brands),
-- so Authentication-Results says so.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "exact-domain spoof",
	from = "<noreply@viamedis.fr>",
	headers = {
		{ "From", " \"Viamedis\" <noreply@viamedis.fr>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Votre relevé de paiements" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "brand-unauthenticated" },
	authres = "^" .. "mx%.vigie%.test; dkim=none",
})
