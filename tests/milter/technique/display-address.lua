-- display-address.lua - "noreply@viamedis.fr" <x@evil.example>: an address in
-- the display name that is not the real one.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "display address",
	from = "<x@relay-mail.example>",
	headers = {
		{ "From", " \"noreply@viamedis.fr\" <x@relay-mail.example>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Information importante" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "display-address" },
})
