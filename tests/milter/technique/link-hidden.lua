-- link-hidden.lua - a lookalike link the reader reaches but a first look
-- misses: behind an open redirector (a Google link whose q= carries it
-- percent-encoded), then after 300 KB of HTML comment, past MaxBodyScan
-- (256 KB), sent in chunks of 60,000 bytes (libmilter takes at most 64 KB):
-- vigie does not skip the body before the link. A neutral sender each time.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local headers = {
	{ "From", " \"Service partenaires\" <service@tp-notif.example>" },
	{ "To", " opticien@example.net" },
	{ "Subject", " Mise a jour de vos coordonnees bancaires" },
	{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
	{ "MIME-Version", " 1.0" },
	{ "Content-Type", " text/html; charset=utf-8" },
}
local pad = {}
for i = 1, 300 * 1024 // 64 do
	pad[#pad + 1] = string.format("commentaire de mise en page %05d ..........................\r\n", i)
end
H.run(function()
	H.start("")
	for _, c in ipairs({
		{ "behind a redirector", "<p>Mettez a jour votre RIB :</p>\r\n<p><a href=\"https://www.google.com/url?"
			.. "sa=D&amp;q=https%3A%2F%2Fviamedis-paiement.com%2Fconnexion&amp;usg=AOvVaw1\">"
			.. "Acceder a mon espace</a></p>\r\n", "viamedis%-paiement%.com" },
		{ "after 300 KB of padding", "<html><body><!--\r\n" .. table.concat(pad) .. "-->\r\n"
			.. "<p><a href=\"https://kalixia-securite.com/connexion\">Acceder</a></p></body></html>\r\n",
			"kalixia%-securite%.com" },
	}) do
		local conn = H.connect("203.0.113.99")
		local r = H.send(conn, { from = "<service@tp-notif.example>", headers = headers,
			body = c[2], chunk = 60000 })
		H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, c[1] .. ": message passes (tag)")
		H.ok(H.body_reply ~= SMFIR_SKIP, c[1] .. ": the body was read to its end")
		local v = H.verdict(conn) or "(none)"
		local reasons = H.header(conn, "X-Vigie-Reasons") or ""
		H.ok(v:match("^(%a+) ") ~= "clean" and v ~= "(none)", c[1] .. ": verdict not clean, got: " .. v)
		H.ok(H.has_code(reasons, "link-lookalike") and reasons:find(c[3]) ~= nil,
			c[1] .. ": link-lookalike of the target in: " .. reasons)
		mt.disconnect(conn)
	end
end)
