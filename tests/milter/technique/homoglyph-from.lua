-- homoglyph-from.lua - From viamédis.fr (xn--viamdis-eya.fr, é for e): the
-- IDN lookalike Gmail shows in Unicode.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "homoglyph From",
	from = "<paiement@xn--viamdis-eya.fr>",
	headers = {
		{ "From", " \"Service Paiement\" <paiement@xn--viamdis-eya.fr>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Votre paiement tiers payant" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "Message-ID", " <t1@xn--viamdis-eya.fr>" },
	},
	verdict = "impersonation",
	codes = { "homoglyph" },
})
