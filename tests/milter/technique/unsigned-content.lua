-- unsigned-content.lua - genuine Viamedis mail, DKIM-signed (keys of
-- tests/data/messages), with content its signature does not cover: a RIB
-- request appended past l=, a Reply-To to free mail added on top, a second
-- Subject asking for the RIB added above the signed one (the reader sees
-- the topmost). Each passes DKIM and is unsigned-content; the same signed
-- message untouched is clean.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local keys = "TestPublicKeys " .. H.private(srcdir .. "/tests/data/messages/keys/test-keys") .. "\n"
H.run(function()
	H.start(keys)
	for _, c in ipairs({
		{ "unsigned-l-append.eml", "impersonation", "request appended past l=" },
		{ "unsigned-reply-to.eml", "impersonation", "Reply-To outside h=" },
		{ "unsigned-second-subject.eml", "impersonation", "second Subject outside h=" },
		{ "brand-signed.eml", "clean", "the signed mail untouched" },
	}) do
		local msg = H.eml(srcdir .. "/tests/data/messages/" .. c[1])
		msg.from = "<noreply@viamedis.fr>"
		local conn = H.connect("203.0.113.99")
		local r = H.send(conn, msg)
		H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, c[3] .. ": message passes (tag)")
		local v = H.verdict(conn) or "(none)"
		local reasons = H.header(conn, "X-Vigie-Reasons") or ""
		local ar = H.header(conn, "Authentication-Results") or "(none)"
		H.ok(v:match("^(%a+) ") == c[2], c[3] .. ": verdict " .. c[2] .. ", got: " .. v)
		H.ok(H.has_code(reasons, "unsigned-content") == (c[2] ~= "clean"),
			c[3] .. ": unsigned-content in: " .. reasons)
		H.ok(ar:find("dkim=pass header.d=viamedis.fr", 1, true) ~= nil,
			c[3] .. ": the signature passes: " .. ar)
		mt.disconnect(conn)
	end
end)
