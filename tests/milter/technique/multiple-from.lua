-- multiple-from.lua - two From fields, the classic bypass of DKIM and of
-- clients that show one of them (CVE-2019-16378 and others).
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "two From fields",
	from = "<a@attacker.example>",
	headers = {
		{ "From", " \"Viamedis\" <noreply@viamedis.fr>" },
		{ "From", " a@attacker.example" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Paiement" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "multiple-from" },
})
