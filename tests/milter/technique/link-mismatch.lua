-- link-mismatch.lua - an HTML link whose text shows www.viamedis.net while
-- its target is elsewhere, in a quoted-printable body.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "link mismatch",
	from = "<info@portail-pro.example>",
	headers = {
		{ "From", " \"Espace Pro\" <info@portail-pro.example>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Connexion requise" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "MIME-Version", " 1.0" },
		{ "Content-Type", " text/html; charset=utf-8" },
		{ "Content-Transfer-Encoding", " quoted-printable" },
	},
	body = "<p>Connectez-vous sur <a href=3D\"https://login.portail-pro.example/v\">"
		.. "https://www.viamedis.net/</a></p>\r\n",
	verdict = "not clean",
	codes = { "link-mismatch" },
})
