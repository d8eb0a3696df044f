-- padding-link.lua - 300 KB of HTML comment before the link, past
-- MaxBodyScan (256 KB): the link is still found and judged, and vigie does
-- not ask the MTA to skip the body before it. Sent in chunks of 60,000 bytes (libmilter takes at most 64 KB).
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local pad = {}
for i = 1, 300 * 1024 // 64 do
	pad[#pad + 1] = string.format("commentaire de mise en page %05d ..........................\r\n", i)
end
H.technique({
	name = "link after 300 KB of padding",
	from = "<service@tp-notif.example>",
	headers = {
		{ "From", " \"Service partenaires\" <service@tp-notif.example>" },
		{ "To", " opticien@example.net" },
		{ "Subject", " Votre espace" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "MIME-Version", " 1.0" },
		{ "Content-Type", " text/html; charset=utf-8" },
	},
	body = "<html><body><!--\r\n" .. table.concat(pad) .. "-->\r\n"
		.. "<p><a href=\"https://kalixia-securite.com/connexion\">Acceder</a></p></body></html>\r\n",
	chunk = 60000,
	verdict = "not clean",
	codes = { "link-lookalike" },
})
