-- actions.lua - what each verdict does: SuspectAction reject answers
-- 550 5.7.1 with RejectReply (ASCII on the wire, brand named);
-- ImpersonationAction quarantine holds the message with a reason and still
-- marks it; SubjectTag prefixes the Subject of non-clean mail, only once.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

H.run(function()
	H.start("SuspectAction reject\nImpersonationAction quarantine\n"
		.. "SubjectTag [USURPATION ?]\n"
		.. "RejectReply Message refusé : usurpation probable de %b (100%% sûr)\n")

	local conn = H.connect("198.51.100.20")
	local r = H.send(conn, H.msg.suspect())
	H.ok(r == SMFIR_REPLYCODE, "suspect mail is refused with a reply code, got " .. H.reply_name(r))
	H.ok(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1",
		"Message refuse : usurpation probable de Viamedis (100%% sur)"),
		"reply is 550 5.7.1 with RejectReply, accents folded, brand named")
	H.ok(not mt.eom_check(conn, MT_HDRADD), "a refused message gets no headers")

	r = H.send(conn, H.msg.impersonation())
	H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "quarantined mail is accepted, got " .. H.reply_name(r))
	local v = H.verdict(conn)
	local head = v and v:match("^(impersonation score=%d+)")
	H.ok(head ~= nil and mt.eom_check(conn, MT_QUARANTINE, "vigie: " .. head),
		"impersonation is quarantined with the verdict as its reason")
	H.ok(v ~= nil and v:match("^impersonation score=%d+ brand=\"Viamedis\"$") ~= nil,
		"and still marked: " .. tostring(v))
	local reasons = H.header(conn, "X-Vigie-Reasons")
	reasons = reasons and reasons:gsub("\r?\n[ \t]+", " ")
	H.ok(reasons ~= nil and reasons:match("homoglyph from=xn%-%-viamdis%-eya%.fr") ~= nil,
		"X-Vigie-Reasons names the finding: " .. tostring(reasons))
	H.ok(mt.eom_check(conn, MT_HDRCHANGE, "Subject", " [USURPATION ?] Mise a jour de votre RIB"),
		"Subject tagged")

	local tagged = H.msg.impersonation()
	tagged.headers[3] = { "Subject", " [USURPATION ?] Mise a jour de votre RIB" }
	H.send(conn, tagged)
	H.ok(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "a tagged Subject is not tagged again")

	local nosubject = H.msg.impersonation()
	table.remove(nosubject.headers, 3)
	H.send(conn, nosubject)
	H.ok(mt.eom_check(conn, MT_HDRADD, "Subject", " [USURPATION ?]"), "a missing Subject is added, tagged")

	H.send(conn, H.msg.clean())
	H.ok(not mt.eom_check(conn, MT_HDRCHANGE, "Subject") and not mt.eom_check(conn, MT_QUARANTINE),
		"clean mail: Subject untouched, not quarantined")
	mt.disconnect(conn)
	H.ok(H.wait_for(function() return H.log_has("action=reject") and H.log_has("action=quarantine") end, 5),
		"actions are logged")
end)
