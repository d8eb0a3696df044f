-- abort.lua - a message aborted half-way leaves nothing behind: the next
-- message on the same connection is judged on its own (no verdict, forged
-- header or Subject carried over).
local H = dofile(srcdir .. "/tests/milter/harness.lua")

H.run(function()
	H.start("SubjectTag [USURPATION ?]\n")
	local conn = H.connect("203.0.113.50")

	local m = H.with(H.msg.impersonation(), { { "X-Vigie-Verdict", " clean score=0" } })
	H.begin(conn, m)
	for _, h in ipairs(m.headers) do
		mt.header(conn, h[1], h[2])
	end
	mt.eoh(conn)
	H.ok(mt.abort(conn) == nil, "message aborted after its headers")

	local r = H.send(conn, H.msg.clean())
	H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "next message on the connection passes")
	local v = H.verdict(conn)
	H.ok(v ~= nil and v:match("^clean score=0") ~= nil, "judged on its own: " .. tostring(v))
	H.ok(not mt.eom_check(conn, MT_HDRDELETE), "no forged header of the aborted message to remove")
	H.ok(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject of the aborted message not carried over")

	-- abort before any header, then an impersonation on the same connection
	H.begin(conn, H.msg.clean())
	mt.abort(conn)
	H.send(conn, H.msg.impersonation())
	v = H.verdict(conn)
	H.ok(v ~= nil and v:match("^impersonation") ~= nil, "an abort right after MAIL FROM is harmless")
	mt.disconnect(conn)
	H.ok(H.wait_for(function() return select(2, H.read(H.log):gsub("verdict=", "")) == 2 end, 5),
		"aborted messages are not logged as judged")
end)
