-- reply-to-combosquat.lua - a brand-claiming message whose replies go to
-- viamedis-securite.fr (brand plus a word).
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "Reply-To combosquat",
	from = "<news@mailer.example>",
	headers = {
		{ "From", " \"Viamedis\" <news@mailer.example>" },
		{ "Reply-To", " support@viamedis-securite.fr" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Vérification de votre compte" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "combosquat", "reply-to" },
})
