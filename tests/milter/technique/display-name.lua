-- display-name.lua - "Viamedis Tiers Payant" <...@gmail.com>: a brand in the
-- display name, an address that is not the brand's.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "display name",
	from = "<service.viamedis@gmail.com>",
	headers = {
		{ "From", " \"Viamedis Tiers Payant\" <service.viamedis@gmail.com>" },
		{ "To", " pharmacie@example.net" },
		{ "Subject", " Votre espace professionnel" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	},
	verdict = "not clean",
	codes = { "display-name" },
})
