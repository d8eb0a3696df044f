-- display-name-encoded.lua - the brand hidden in an RFC 2047 encoded display
-- name with a Cyrillic і (U+0456): =?UTF-8?B?...?= decodes to "Vіamedis".
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "encoded Cyrillic display name",
	from = "<contact@gestion-tp.example>",
	headers = {
		{ "From", " =?UTF-8?B?VtGWYW1lZGlz?= <contact@gestion-tp.example>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Paiements en attente" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "display-name" },
})
