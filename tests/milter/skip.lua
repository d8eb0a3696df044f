-- skip.lua - what vigie does not analyse: PeerList clients (accepted at
-- connect, no work at all), InternalHosts clients (IPv4 and IPv6 CIDRs,
-- "!" exclusions), authenticated clients (SkipAuthenticated), the
-- ORIGINATING submission service; everyone else is checked.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

-- conn_reply - the filter's answer to the connection step
local function conn_reply(ip, macros)
	local conn = H.connect(ip, macros, false)
	local r = mt.getreply(conn)

	if r == SMFIR_CONTINUE then
		H.helo(conn)
	end
	return conn, r
end

H.run(function()
	H.write(tmp .. "/internal.hosts", "# internal networks\n10.0.0.0/8  fd00::/16\n!10.9.9.9\n")
	H.start("InternalHosts file:" .. tmp .. "/internal.hosts, 192.0.2.128/25\n"
		.. "PeerList 198.51.100.0/24, 2001:db8:beef::/48\n"
		.. "ImpersonationAction reject\n")

	local cases = {
		-- ip, what, connect reply, MAIL reply
		{ "198.51.100.77", "PeerList IPv4 client", SMFIR_ACCEPT, nil },
		{ "2001:db8:beef::1", "PeerList IPv6 client", SMFIR_ACCEPT, nil },
		{ "10.1.2.3", "InternalHosts file: IPv4 network", SMFIR_CONTINUE, SMFIR_ACCEPT },
		{ "fd00::1:2", "InternalHosts IPv6 fd00::/16", SMFIR_CONTINUE, SMFIR_ACCEPT },
		{ "192.0.2.200", "InternalHosts inline network", SMFIR_CONTINUE, SMFIR_ACCEPT },
		{ "10.9.9.9", "an !excluded host inside an internal network", SMFIR_CONTINUE, SMFIR_CONTINUE },
		{ "192.0.2.100", "a neighbour outside the /25", SMFIR_CONTINUE, SMFIR_CONTINUE },
		{ "203.0.113.5", "an outside client", SMFIR_CONTINUE, SMFIR_CONTINUE },
	}
	for _, c in ipairs(cases) do
		local conn, r = conn_reply(c[1])
		local ok = r == c[3]
		if ok and c[4] ~= nil then
			local m = H.msg.impersonation()
			local r2 = H.begin(conn, m)
			ok = r2 == c[4]
			if ok and r2 == SMFIR_CONTINUE then
				ok = H.rest(conn, m) == SMFIR_REPLYCODE
			end
		end
		H.ok(ok, string.format("%s %s: %s", c[1], c[4] == SMFIR_CONTINUE and "checked" or "skipped", c[2]))
		mt.disconnect(conn)
	end

	local conn = H.connect("203.0.113.5")
	local m = H.msg.impersonation()
	m.mail_macros = { "{auth_authen}", "alice" }
	H.ok(H.begin(conn, m) == SMFIR_ACCEPT, "an authenticated client is skipped (SkipAuthenticated default yes)")
	mt.disconnect(conn)

	conn = H.connect("203.0.113.5", { "{daemon_name}", "ORIGINATING" })
	H.ok(H.begin(conn, H.msg.impersonation()) == SMFIR_ACCEPT, "the ORIGINATING submission service is skipped")
	mt.disconnect(conn)

	conn = H.connect("203.0.113.5", { "{daemon_name}", "smtpd" })
	m = H.msg.impersonation()
	m.mail_macros = { "{auth_authen}", "" }
	H.ok(H.send(conn, m) == SMFIR_REPLYCODE, "an empty {auth_authen} and another daemon name are checked")
	mt.disconnect(conn)
	-- no socket address (non-SMTP mail, some MTAs): {client_addr} decides
	conn = mt.connect("local:" .. H.socket, 100, 0.05)
	mt.macro(conn, SMFIC_CONNECT, "{client_addr}", "10.1.1.1")
	mt.conninfo(conn, "localhost", "unspec")
	H.ok(H.begin(conn, H.msg.impersonation()) == SMFIR_ACCEPT,
		"without a socket address, {client_addr} 10.1.1.1 is internal")
	mt.disconnect(conn)
	conn = mt.connect("local:" .. H.socket, 100, 0.05)
	mt.macro(conn, SMFIC_CONNECT, "{client_addr}", "IPv6:2001:db8::7")
	mt.conninfo(conn, "localhost", "unspec")
	H.ok(H.begin(conn, H.msg.impersonation()) == SMFIR_CONTINUE,
		"Sendmail's IPv6:2001:db8::7 form is read: an outside client, checked")
	mt.disconnect(conn)
	conn = mt.connect("local:" .. H.socket, 100, 0.05)
	mt.conninfo(conn, "localhost", "unspec")
	H.ok(H.begin(conn, H.msg.impersonation()) == SMFIR_ACCEPT,
		"no address at all: local submission, not analysed")
	mt.disconnect(conn)

	H.ok(H.wait_for(function() return H.log_has("not checked: client in InternalHosts") end, 5)
		and H.log_has("client in PeerList") and H.log_has("authenticated client"),
		"every skip is logged with its reason")
end)
