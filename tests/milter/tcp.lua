-- tcp.lua - on a TCP socket vigie keeps the DATA step: Postfix's unanswered
-- macro packets would otherwise leave its next write waiting on a delayed
-- ACK (about 40 ms a message, measured); mail is handled as on a unix socket.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

H.run(function()
	local sock = "inet:" .. port .. "@127.0.0.1"
	H.start("Socket " .. sock .. "\nSPFVerify never\n")
	local conn = mt.connect(sock, 100, 0.05)
	assert(conn ~= nil, "cannot connect to " .. sock)
	assert(mt.conninfo(conn, "client.example", "192.0.2.8") == nil, "conninfo")
	H.ok(not mt.test_option(conn, SMFIP_NODATA), "the DATA step stays on over TCP")
	H.ok(mt.test_option(conn, SMFIP_NOHELO) and mt.test_option(conn, SMFIP_NORCPT),
		"HELO (SPFVerify never) and RCPT still off")
	local r = H.send(conn, H.msg.impersonation())
	H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "a message passes over TCP")
	local v = H.verdict(conn)
	H.ok(v ~= nil and v:match("^impersonation") ~= nil, "and is marked: " .. tostring(v))
	mt.disconnect(conn)
end)
