-- claims-body.lua - a brand named only in the body (HTML character
-- references) above a login form, and the negative beside it: a colleague
-- quoting a lookalike domain as plain text in a warning.
-- One vigie for all (H.techniques): each message on its own connection.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.techniques({
	-- The brand named only in the body, in HTML character
	-- references, above a login form, from an unrelated sender.
	{
		name = "brand in the body with a login form",
		from = "<service@tp-notif.example>",
		headers = {
			{ "From", " Relations professionnels <service@tp-notif.example>" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Votre espace" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
			{ "MIME-Version", " 1.0" },
			{ "Content-Type", " text/html; charset=utf-8" },
		},
		body = "<h1>V&#105;amedis</h1><form action=\"https://tp-notif.example/login\">"
			.. "<input type=\"password\" name=\"p\"></form>\r\n",
		verdict = "not clean",
		codes = { "body-claim" },
	},
	-- The negative next to body-claim: a
	-- colleague quoting a lookalike domain as plain text in a warning, with the
	-- word RIB, names it; it is no link and makes no claim.
	{
		name = "colleague quoting a lookalike",
		from = "<cabinet@cabinet-lejeune.example>",
		headers = {
			{ "From", " Didier Lejeune <cabinet@cabinet-lejeune.example>" },
			{ "To", " marc@pharmacie-martin.example" },
			{ "Subject", " Faux mail" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
			{ "MIME-Version", " 1.0" },
			{ "Content-Type", " text/plain; charset=utf-8" },
		},
		body = "Méfie-toi : un faux message circule depuis viamedis-securite.fr. Ils\r\n"
			.. "demandent le RIB sous 48 heures. Viamedis ne demandera jamais de mettre\r\n"
			.. "à jour vos coordonnées bancaires.\r\nDidier\r\n",
		verdict = "clean",
		absent = { "lure", "body-claim" },
	},
})
