-- banner.lua - the warning banner through the milter protocol: SMFIF_CHGBODY
-- asked for only when Banner is not none; a flagged message's body replaced
-- (smfi_replacebody) with the banner above the original text, the
-- message's Content-Type, Content-Transfer-Encoding and MIME-Version set to
-- match; a clean message's body untouched; the body kept whole past
-- MaxBodyScan and past BannerMemory (in a file of BannerSpool); a body over
-- BannerMaxSize and a signed one left as they came; each outcome logged.
--
-- miltertest reads a reply of at most 1024 bytes: the banner here comes
-- from a short BannerTemplate, and the messages are short (the banner's
-- full text is checked by tests/banner and through Postfix by tests/e2e).
local H = dofile(srcdir .. "/tests/milter/harness.lua")

local BEGIN = "-- vigie " .. string.rep("-", 67) .. "\r\n"
local END = string.rep("-", 76) .. "\r\n\r\n"
-- the same lines quoted-printable: at most 75 characters and a soft break,
-- a '-' starting a line written =2D (it could be read as a boundary)
local QBEGIN = "=2D- vigie " .. string.rep("-", 64) .. "=\r\n=2D--\r\n"
local QEND = "=2D" .. string.rep("-", 72) .. "=\r\n=2D--\r\n\r\n"
local TEMPLATE = tmp .. "/banner.tpl"
local SIGUSR1 = 10

-- lines - n numbered lines of body text
local function lines(n)
	local t = {}
	for i = 1, n do
		table.insert(t, string.format("ligne %02d d'origine\r\n", i))
	end
	return table.concat(t)
end

-- reload - a new configuration, taken at SIGUSR1 (the n-th reload)
local function reload(extra, n)
	H.config(extra)
	mt.signal(SIGUSR1)
	return H.wait_for(function()
		local _, done = H.read(H.log):gsub("reload: done", "")
		return done >= n
	end, 10)
end

-- mime - a copy of message m with these MIME fields
local function mime(m, ctype, cte)
	local extra = { { "MIME-Version", "1.0" }, { "Content-Type", ctype } }
	if cte then
		table.insert(extra, { "Content-Transfer-Encoding", cte })
	end
	return H.with(m, extra)
end

H.run(function()
	H.write(TEMPLATE, "# a short banner for miltertest\n[text]\nATTENTION {{verdict}} : v\xc3\xa9rifiez {{brand}}\n"
		.. "[html]\n<p>ATTENTION {{verdict}}</p>\n")
	local base = "BannerSpool " .. tmp .. "/spool\nBannerTemplate " .. TEMPLATE .. "\n"
		.. "Banner impersonation\n"
	H.start("MaxBodyScan 100\nBannerMemory 100\n" .. base)
	local conn = H.connect("192.0.2.7")
	H.ok(mt.test_action(conn, SMFIF_CHGBODY), "Banner impersonation: SMFIF_CHGBODY asked for")

	H.send(conn, H.msg.clean())
	H.ok(H.verdict(conn) ~= nil and not mt.eom_check(conn, MT_BODYCHANGE),
	     "a clean message: headers, and its body not replaced")

	-- no MIME fields, a body over MaxBodyScan and BannerMemory (kept in a file)
	local m = H.msg.impersonation()
	local original = m.body .. lines(20)
	m.body = original
	m.chunk = 64
	H.send(conn, m)
	H.ok(H.body_reply ~= SMFIR_SKIP, "the whole body was asked for, past MaxBodyScan")
	H.ok(mt.eom_check(conn, MT_BODYCHANGE, QBEGIN ..
			  "ATTENTION usurpation probable : v=C3=A9rifiez Viamedis\r\n" .. QEND .. original),
	     "the body is replaced: the banner, then the original text (quoted-printable, as it was ASCII)")
	H.ok(H.header(conn, "Content-Type") == "text/plain; charset=utf-8" and
	     H.header(conn, "Content-Transfer-Encoding") == "quoted-printable" and
	     H.header(conn, "MIME-Version") == "1.0",
	     "Content-Type (UTF-8), Content-Transfer-Encoding and MIME-Version added")
	H.ok(H.log_has("banner=added") and H.log_has("warning added to 1 part %(text/plain%)"),
	     "the log line says banner=added, and where")
	local spool = io.open(tmp .. "/spool", "r")
	H.ok(spool ~= nil, "BannerSpool was made for the body past BannerMemory")
	if spool then spool:close() end
	mt.disconnect(conn)

	-- UTF-8 8bit: the banner fits, nothing else changes
	conn = H.connect("192.0.2.7")
	m = mime(H.msg.impersonation(), "text/plain; charset=utf-8", "8bit")
	H.send(conn, m)
	H.ok(mt.eom_check(conn, MT_BODYCHANGE, BEGIN ..
			  "ATTENTION usurpation probable : v\xc3\xa9rifiez Viamedis\r\n" .. END .. m.body),
	     "UTF-8 8bit: the banner, then the original text byte for byte")
	H.ok(H.header(conn, "Content-Type") == nil, "its fields stay")
	mt.disconnect(conn)

	-- quoted-printable Latin-1: decoded, banner added, encoded back in Latin-1
	conn = H.connect("192.0.2.7")
	m = mime(H.msg.impersonation(), "text/plain; charset=iso-8859-1", "quoted-printable")
	m.body = "Confirmez votre RIB avant le 15 f=E9vrier.\r\n"
	H.send(conn, m)
	H.ok(mt.eom_check(conn, MT_BODYCHANGE, QBEGIN ..
			  "ATTENTION usurpation probable : v=E9rifiez Viamedis\r\n" .. QEND .. m.body),
	     "quoted-printable Latin-1: the banner encoded in Latin-1, the text as it came")
	H.ok(H.header(conn, "Content-Type") == nil, "its Content-Type stays: the banner fits ISO-8859-1")
	mt.disconnect(conn)

	-- signed: headers only
	conn = H.connect("192.0.2.7")
	m = mime(H.msg.impersonation(), "multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=\"s\"")
	m.body = "--s\r\nContent-Type: text/plain\r\n\r\nRIB\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--s--\r\n"
	H.send(conn, m)
	H.ok(not mt.eom_check(conn, MT_BODYCHANGE) and H.verdict(conn) ~= nil,
	     "a signed impersonation keeps its body, gets its headers")
	H.ok(H.log_has("banner=signed") and H.log_has("body kept without the warning banner: multipart/signed"),
	     "the log says why: signed")
	mt.disconnect(conn)

	-- a suspect message under Banner impersonation: no banner
	conn = H.connect("192.0.2.7")
	H.send(conn, H.msg.suspect())
	H.ok(H.verdict(conn) ~= nil and not mt.eom_check(conn, MT_BODYCHANGE),
	     "a suspect message: no banner under Banner impersonation")
	mt.disconnect(conn)

	-- BannerMaxSize, Banner suspect
	H.ok(reload("BannerMaxSize 300\n" .. base:gsub("impersonation", "suspect"), 1),
	     "reloaded: BannerMaxSize 300, Banner suspect")
	conn = H.connect("192.0.2.7")
	m = H.msg.impersonation()
	m.body = m.body .. lines(20)
	H.send(conn, m)
	H.ok(H.verdict(conn) ~= nil and not mt.eom_check(conn, MT_BODYCHANGE) and H.log_has("banner=size"),
	     "a body over BannerMaxSize keeps its text (banner=size)")
	H.send(conn, H.msg.suspect())
	H.ok(mt.eom_check(conn, MT_BODYCHANGE), "Banner suspect: a suspect message gets the banner")
	mt.disconnect(conn)

	-- Banner none: the body is not even asked for
	H.ok(reload("Banner none\n", 2), "reloaded: Banner none")
	conn = H.connect("192.0.2.7")
	H.ok(not mt.test_action(conn, SMFIF_CHGBODY), "Banner none: SMFIF_CHGBODY not asked for")
	H.send(conn, H.msg.impersonation())
	H.ok(H.verdict(conn) ~= nil and not mt.eom_check(conn, MT_BODYCHANGE),
	     "Banner none: an impersonation gets its headers, its body stays")
	mt.disconnect(conn)
end)
