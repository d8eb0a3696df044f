-- lure.lua - a brand claim with bank-details and credential vocabulary: the
-- RIB phishing that followed the February 2024 breach.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "RIB lure",
	from = "<noreply@notification-center.example>",
	headers = {
		{ "From", " \"Viamedis\" <noreply@notification-center.example>" },
		{ "To", " pharmacie@example.net" },
		{ "Subject", " Mise à jour de vos coordonnées bancaires" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "MIME-Version", " 1.0" },
		{ "Content-Type", " text/plain; charset=utf-8" },
		{ "Content-Transfer-Encoding", " 8bit" },
	},
	body = "Bonjour,\r\nSuite à l'incident de sécurité, merci de nous transmettre votre RIB\r\n"
		.. "et de confirmer votre identifiant et votre mot de passe.\r\n",
	verdict = "impersonation",
	codes = { "display-name", "lure" },
})
