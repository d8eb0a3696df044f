-- forged.lua - incoming headers that claim to be vigie's are all removed
-- before vigie adds its own: every X-Vigie-* field (any name, any case,
-- repeated) and Authentication-Results carrying our authserv-id, while
-- another server's Authentication-Results stays; ours goes on top.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

H.run(function()
	H.start("DKIMVerify always\n")
	local conn = H.connect("203.0.113.9")
	local m = H.with(H.msg.clean(), {
		{ "X-Vigie-Verdict", " clean score=0" },
		{ "Authentication-Results", " " .. H.authserv .. "; dkim=pass header.d=viamedis.fr" },
		{ "x-vigie-verdict", " clean score=0 brand=\"none\"" },
		{ "X-Vigie-Reasons", " -" },
		{ "Authentication-Results", " mx.other.example; dkim=fail" },
		{ "Authentication-Results", " (forged) \"" .. H.authserv:upper() .. "\" 1; spf=pass" },
		{ "X-VIGIE-Whatever", " x" },
	})
	m.mail_macros = { "i", "4Tq1ZX0abc" }
	local r = H.send(conn, m)
	H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "message passes, got " .. H.reply_name(r))
	H.ok(mt.eom_check(conn, MT_HDRDELETE, "X-Vigie-Verdict"), "forged X-Vigie-Verdict fields removed")
	H.ok(mt.eom_check(conn, MT_HDRDELETE, "X-Vigie-Reasons"), "forged X-Vigie-Reasons removed")
	H.ok(mt.eom_check(conn, MT_HDRDELETE, "X-VIGIE-Whatever"), "any other X-Vigie-* name removed")
	H.ok(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"),
		"Authentication-Results with our authserv-id removed")
	H.ok(H.wait_for(function() return H.log_has("4Tq1ZX0abc: verdict=clean") end, 5),
		"log line carries the queue id")
	H.ok(H.log_has("stripped=6 "),
		"6 removed: 4 X-Vigie-*, 2 of our authserv-id, not the other server's ("
		.. (H.read(H.log):match("stripped=%d+") or "none") .. ")")
	local v = H.verdict(conn)
	H.ok(v ~= nil and v:match("^clean") ~= nil, "vigie's own X-Vigie-Verdict added: " .. tostring(v))
	local ar = mt.getheader(conn, "Authentication-Results", 0)
	H.ok(ar == " " .. H.authserv .. "; dkim=none", "our Authentication-Results added: " .. tostring(ar))
	H.ok(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results", " " .. H.authserv .. "; dkim=none", 0),
		"inserted at index 0 (RFC 8601 position)")
	mt.disconnect(conn)
end)
