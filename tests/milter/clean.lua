-- clean.lua - a clean message gets only "X-Vigie-Verdict: clean ...": no
-- reasons, no removal, no action; vigie negotiates only what it uses (HELO
-- only while SPF can run) and stops reading the body once the analysis has
-- enough (SMFIS_SKIP): past MaxBodyScan the body is read for links only,
-- until the link scan's own caps are reached (LINKS_DEEP_MAX URLs), then
-- skipped.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

H.run(function()
	H.start("MaxBodyScan 64\n")
	local conn = H.connect("192.0.2.7")

	H.ok(mt.test_option(conn, SMFIP_HDR_LEADSPC), "asks for byte-exact header values (HDR_LEADSPC)")
	H.ok(mt.test_option(conn, SMFIP_SKIP), "can skip the rest of the body (SKIP)")
	H.ok(mt.test_option(conn, SMFIP_NORCPT) and mt.test_option(conn, SMFIP_NOUNKNOWN)
		and mt.test_option(conn, SMFIP_NODATA),
		"turns off the RCPT, DATA and unknown-command steps")
	H.ok(not mt.test_option(conn, SMFIP_NOHELO),
		"keeps HELO: SPF may run (SPFVerify brands) and checks HELO for a null sender")
	H.ok(mt.test_option(conn, SMFIP_NR_HDR), "asks for no reply to each header (NR_HDR)")
	H.ok(not mt.test_option(conn, SMFIP_NOBODY) and not mt.test_option(conn, SMFIP_NOHDRS),
		"still receives headers and body")
	H.ok(mt.test_action(conn, SMFIF_ADDHDRS) and mt.test_action(conn, SMFIF_CHGHDRS)
		and mt.test_action(conn, SMFIF_QUARANTINE), "requests add, change and quarantine")
	H.ok(not mt.test_action(conn, SMFIF_CHGBODY) and not mt.test_action(conn, SMFIF_ADDRCPT),
		"does not request body or recipient changes")

	local m = H.msg.clean()
	local urls = {}
	for i = 1, 1200 do
		urls[i] = string.format("https://www.site%d.example/\r\n", i)
	end
	m.body = string.rep("Ligne de texte ordinaire.\r\n", 10) .. table.concat(urls)
	m.chunk = 4096
	local r = H.send(conn, m)
	H.ok(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "clean message accepted, got " .. H.reply_name(r))
	H.ok(H.body_reply == SMFIR_SKIP,
		"body reading stops with SKIP past MaxBodyScan once the link scan is full, got "
		.. H.reply_name(H.body_reply))
	local v = H.verdict(conn)
	H.ok(v ~= nil and v:match("^clean score=0") ~= nil, "X-Vigie-Verdict is clean: " .. tostring(v))
	H.ok(mt.getheader(conn, "X-Vigie-Verdict", 1) == nil, "exactly one X-Vigie-Verdict added")
	H.ok(not mt.eom_check(conn, MT_HDRADD, "X-Vigie-Reasons"), "no X-Vigie-Reasons on clean mail")
	H.ok(not mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"),
		"no Authentication-Results when DKIM was not evaluated")
	H.ok(not mt.eom_check(conn, MT_HDRDELETE) and not mt.eom_check(conn, MT_HDRCHANGE),
		"no header removed or changed")
	H.ok(not mt.eom_check(conn, MT_QUARANTINE) and not mt.eom_check(conn, MT_SMTPREPLY, "550"),
		"neither quarantined nor given a reply")

	-- an IPv6 client is checked like any other
	local conn6 = H.connect("2001:db8::25")
	r = H.send(conn6, H.msg.clean())
	H.ok(H.verdict(conn6) ~= nil, "a message from an IPv6 client is checked")
	mt.disconnect(conn6)
	mt.disconnect(conn)
	H.ok(H.wait_for(function() return H.log_has("verdict=clean score=0") end, 5),
		"one log line per message with verdict and score")
	H.ok(H.log_has("NOQUEUE: verdict=clean .* action=tag client=192%.0%.2%.7 time="),
		"the log line names the client and the time taken")
end)
