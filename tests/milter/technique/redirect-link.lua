-- redirect-link.lua - the lookalike is the target of an open redirector:
-- a Google link whose q= carries it percent-encoded, from a neutral sender.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "lookalike behind a redirector",
	from = "<service@tp-notif.example>",
	headers = {
		{ "From", " \"Service partenaires\" <service@tp-notif.example>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Mise a jour de vos coordonnees bancaires" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "MIME-Version", " 1.0" },
		{ "Content-Type", " text/html; charset=utf-8" },
	},
	body = "<p>Mettez a jour votre RIB :</p>\r\n<p><a href=\"https://www.google.com/url?"
		.. "sa=D&amp;q=https%3A%2F%2Fviamedis-paiement.com%2Fconnexion&amp;usg=AOvVaw1\">"
		.. "Acceder a mon espace</a></p>\r\n",
	verdict = "not clean",
	codes = { "link-lookalike" },
})
