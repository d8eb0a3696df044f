-- harness.lua - what every miltertest script of vigie shares: TAP output,
-- a private vigie started on its own socket and config, messages sent as
-- tables, checks of what the filter did at end of message.
--
-- Scripts run through tests/milter/run-lua.sh, which defines the globals
-- vigie (binary under test), tmp (a private directory) and srcdir.
--
-- A script reads:
--   local H = dofile(srcdir .. "/tests/milter/harness.lua")
--   H.run(function()
--     H.start("ImpersonationAction reject\n")
--     local conn = H.connect("192.0.2.7")
--     local r = H.send(conn, { from = "<a@b>", headers = {{"From", "x@y"}}, body = "hi\r\n" })
--     H.ok(r == SMFIR_ACCEPT, "what it proves")
--   end)

local H = {}

H.count = 0
H.failed = 0
H.socket = tmp .. "/vigie.sock"
H.conf = tmp .. "/vigie.conf"
H.log = tmp .. "/vigie.log"
H.pidfile = tmp .. "/vigie.pid"
H.authserv = "mx.vigie.test"

-- H.ok - one TAP line
function H.ok(cond, name)
	H.count = H.count + 1
	if cond then
		print(string.format("ok %d - %s", H.count, name))
	else
		H.failed = H.failed + 1
		print(string.format("not ok %d - %s", H.count, name))
	end
	io.stdout:flush()
	return cond
end

-- H.diag - a TAP comment
function H.diag(text)
	for line in tostring(text):gmatch("[^\n]+") do
		print("# " .. line)
	end
end

-- H.write - replace a file's contents
function H.write(path, text)
	local f = assert(io.open(path, "w"))
	f:write(text)
	f:close()
end

-- H.read - a file's contents, "" when missing
function H.read(path)
	local f = io.open(path, "r")
	if f == nil then
		return ""
	end
	local text = f:read("a")
	f:close()
	return text
end

-- H.config - vigie.conf for the test: private socket, log and PID file,
-- nothing skipped unless the test says so, no warning banner unless the
-- test asks for one (miltertest cannot read a new body over 1 KB; banner.lua
-- tests it), DNS from an empty zone file (never the network: SPF and DMARC
-- of a brand's domain say none), then the test's own lines (an option the
-- test sets replaces the harness's)
function H.config(extra)
	extra = extra or ""
	local lines = { "# written by tests/milter/harness.lua" }
	local dns = ("\n" .. extra):lower()
	if not (dns:find("\ntestdns%s") or dns:find("\nnameservers%s") or
		dns:find("\ntestpublickeys%s")) then
		H.write(tmp .. "/empty.zone", "# no records: every lookup finds nothing\n")
		extra = "TestDNS " .. tmp .. "/empty.zone\n" .. extra
	end
	for _, d in ipairs({
		{ "Socket", "local:" .. H.socket },
		{ "PidFile", H.pidfile },
		{ "Syslog", "no" },
		{ "AuthservID", H.authserv },
		{ "InternalHosts", "none" },
		{ "Banner", "none" },
	}) do
		if not ("\n" .. extra):lower():find("\n" .. d[1]:lower() .. "%s") then
			table.insert(lines, d[1] .. " " .. d[2])
		end
	end
	table.insert(lines, extra)
	H.write(H.conf, table.concat(lines, "\n") .. "\n")
end

-- H.private - a copy of a file of the checkout in the test's directory,
-- where vigie can read it once it runs as nobody (the checkout may be
-- under a directory only root can enter, as /root is)
function H.private(path)
	local name = path:match("[^/]+$")
	local dst = tmp .. "/" .. name
	H.write(dst, H.read(path))
	return dst
end

-- H.start - start vigie in the foreground on the test's config; its log
-- (stderr) goes to H.log. miltertest stops it (SIGTERM) when the script ends.
function H.start(extra)
	H.config(extra)
	mt.startfilter("/bin/sh", "-c", 'exec "$0" -f -c "$1" 2>>"$2"', vigie, H.conf, H.log)
	H.wait_for(function() return H.read(H.pidfile) ~= "" end, 10)
	H.pid = tonumber(H.read(H.pidfile):match("%d+"))
	assert(H.pid ~= nil, "vigie did not start:\n" .. H.read(H.log))
end

-- H.wait_for - poll cond every 50 ms for up to secs seconds
function H.wait_for(cond, secs)
	for _ = 1, secs * 20 do
		if cond() then
			return true
		end
		mt.sleep(0.05)
	end
	return cond()
end

-- H.log_has - whether the daemon logged a line matching pattern
function H.log_has(pattern)
	return H.read(H.log):find(pattern) ~= nil
end

-- H.alive - whether a process runs (a zombie waiting for miltertest has exited)
function H.alive(pid)
	local state = H.read("/proc/" .. tostring(pid) .. "/status"):match("\nState:%s+(%a)")
	return state ~= nil and state ~= "Z"
end

-- H.helo - HELO (helo, or "client.example") when vigie asks for it (SPF
-- can run): sent as an MTA does, before MAIL FROM's macros, not by
-- miltertest after them (which would drop them)
function H.helo(conn, helo)
	if not mt.test_option(conn, SMFIP_NOHELO) then
		assert(mt.helo(conn, helo or "client.example") == nil, "helo")
	end
end

-- H.connect - a connection from an SMTP client at ip, with connect macros,
-- then HELO (H.helo) unless helo is false
function H.connect(ip, macros, helo)
	local conn = mt.connect("local:" .. H.socket, 100, 0.05)
	assert(conn ~= nil, "cannot connect to " .. H.socket)
	if macros ~= nil then
		mt.macro(conn, SMFIC_CONNECT, table.unpack(macros))
	end
	local err = mt.conninfo(conn, "client.example", ip)
	assert(err == nil, "conninfo: " .. tostring(err))
	if helo ~= false then
		H.helo(conn, helo)
	end
	return conn
end

-- H.begin - MAIL FROM with its macros; returns the filter's reply
function H.begin(conn, msg)
	if msg.mail_macros ~= nil then
		mt.macro(conn, SMFIC_MAIL, table.unpack(msg.mail_macros))
	end
	assert(mt.mailfrom(conn, msg.from or "<sender@example.net>") == nil, "mailfrom")
	return mt.getreply(conn)
end

-- H.rest - headers, end of headers, body, end of message; returns the reply
function H.rest(conn, msg)
	for _, h in ipairs(msg.headers or {}) do
		assert(mt.header(conn, h[1], h[2]) == nil, "header " .. h[1])
	end
	assert(mt.eoh(conn) == nil, "eoh")
	local body = msg.body or "Bonjour,\r\n"
	local chunk = msg.chunk or #body
	for i = 1, #body, chunk do
		assert(mt.bodystring(conn, body:sub(i, i + chunk - 1)) == nil, "body")
		H.body_reply = mt.getreply(conn)
		if H.body_reply == SMFIR_SKIP then
			break
		end
	end
	assert(mt.eom(conn) == nil, "eom")
	return mt.getreply(conn)
end

-- H.send - a whole message; returns the reply to MAIL FROM if the filter
-- accepted there (skipped message), else the reply at end of message
function H.send(conn, msg)
	local r = H.begin(conn, msg)
	if r ~= SMFIR_CONTINUE then
		return r
	end
	return H.rest(conn, msg)
end

-- H.header - the value vigie gave header name (the MTA keeps the leading space)
function H.header(conn, name)
	local v = mt.getheader(conn, name, 0)
	if v == nil then
		return nil
	end
	return (v:gsub("^ ", ""))
end

-- H.verdict - the X-Vigie-Verdict vigie added, nil if none
function H.verdict(conn)
	return H.header(conn, "X-Vigie-Verdict")
end

-- H.reply_name - a reply code as text for diagnostics
function H.reply_name(r)
	if r == nil then
		return "nil"
	end
	return string.format("'%s'", string.char(r))
end

-- H.run - the script body, any error reported as a failed test; then the plan
function H.run(body)
	local okay, err = pcall(body)
	if not okay then
		H.ok(false, "script ran to the end: " .. tostring(err))
		H.diag(H.read(H.log))
	end
	print("1.." .. H.count)
	io.stdout:flush()
	if H.failed > 0 then
		H.diag("vigie log:\n" .. H.read(H.log))
	end
end

-- the messages the tests use: clean, suspect (display name only) and
-- impersonation (homoglyph From domain) under the real analysis
H.msg = {}

function H.msg.clean()
	return {
		from = "<alice@example.org>",
		headers = {
			{ "From", "Alice Martin <alice@example.org>" },
			{ "To", "bob@example.net" },
			{ "Subject", "Compte rendu de la réunion" },
			{ "Date", "Mon, 5 Feb 2024 10:00:00 +0100" },
			{ "Message-ID", "<clean.1@example.org>" },
		},
		body = "Bonjour Bob,\r\nVoici le compte rendu.\r\n",
	}
end

function H.msg.impersonation()
	return {
		from = "<paiement@xn--viamdis-eya.fr>",
		headers = {
			{ "From", "\"Viamedis\" <paiement@xn--viamdis-eya.fr>" },
			{ "To", "opticien@example.net" },
			{ "Subject", "Mise a jour de votre RIB" },
			{ "Date", "Mon, 5 Feb 2024 10:00:00 +0100" },
			{ "Message-ID", "<phish.1@xn--viamdis-eya.fr>" },
		},
		body = "Bonjour,\r\nSuite a l'incident, merci de confirmer votre RIB et votre mot de passe\r\nsur https://xn--viamdis-eya.fr/connexion\r\n",
	}
end

function H.msg.suspect()
	return {
		from = "<service.tp@gmail.com>",
		headers = {
			{ "From", "\"Viamedis Tiers Payant\" <service.tp@gmail.com>" },
			{ "To", "pharmacie@example.net" },
			{ "Subject", "Votre espace professionnel" },
			{ "Date", "Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		body = "Bonjour,\r\nMerci de vous reconnecter.\r\n",
	}
end

-- H.with - a copy of message m with extra header fields (before the others)
function H.with(m, extra)
	local headers = {}
	for _, h in ipairs(extra) do
		table.insert(headers, h)
	end
	for _, h in ipairs(m.headers) do
		table.insert(headers, h)
	end
	m.headers = headers
	return m
end

-- H.eml - a message file of the checkout as a message table: header fields
-- as the MTA gives them (value after the colon, folds kept as LF), the body
-- with its CRLF
function H.eml(path)
	local raw = H.read(path)
	local head, body = raw:match("^(.-)\r\n\r\n(.*)$")
	assert(head ~= nil, path .. ": no header")
	local msg = { headers = {}, body = body }
	for line in (head .. "\r\n"):gmatch("(.-)\r\n") do
		if line:match("^[ \t]") and #msg.headers > 0 then
			local h = msg.headers[#msg.headers]
			h[2] = h[2] .. "\n" .. line
		else
			local name, value = line:match("^([^:]+):(.*)$")
			assert(name ~= nil, path .. ": bad header line " .. line)
			table.insert(msg.headers, { name, value })
		end
	end
	return msg
end

-- H.has_code - whether an X-Vigie-Reasons value lists a reason code
function H.has_code(reasons, code)
	local pat = "%f[%w%-]" .. code:gsub("%-", "%%-") .. "%f[^%w%-]"
	return reasons:find(pat) ~= nil
end

-- H.technique - one impersonation technique against the real analysis:
-- t = { name, headers, body, from (envelope), verdict ("impersonation",
-- "suspect", "clean", or "not clean"), codes = {...} expected, absent = {...}
-- codes that must not appear, config = extra vigie.conf lines, client (its
-- address), chunk (body bytes per call) }.
-- vigie tags only, so every message passes and its headers tell the verdict.
function H.technique(t)
	H.techniques({ t })
end

-- H.one - one technique's message through the running vigie, and its checks
function H.one(t)
	local conn = H.connect(t.client or "203.0.113.99")
	local r = H.send(conn, {
		from = t.from or "<bounce@mailer.example.net>",
		headers = t.headers,
		body = t.body or "Bonjour,\r\n",
		chunk = t.chunk,
	})
	H.ok(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, t.name .. ": message passes (tag)")
	local v = H.verdict(conn) or "(none)"
	local kind = v:match("^(%a+) ") or "(none)"
	local want = t.verdict == "not clean" and kind ~= "clean" and kind ~= "(none)"
		or kind == t.verdict
	H.ok(want, t.name .. ": verdict " .. t.verdict .. ", got: " .. v)
	local reasons = H.header(conn, "X-Vigie-Reasons") or ""
	for _, code in ipairs(t.codes or {}) do
		H.ok(H.has_code(reasons, code), t.name .. ": reason " .. code .. " in: " .. reasons)
	end
	for _, code in ipairs(t.absent or {}) do
		H.ok(not H.has_code(reasons, code), t.name .. ": no " .. code .. " in: " .. reasons)
	end
	if t.authres ~= nil then
		local ar = H.header(conn, "Authentication-Results") or "(none)"
		H.ok(ar:find(t.authres) ~= nil, t.name .. ": Authentication-Results " .. ar)
	end
	mt.disconnect(conn)
end

-- H.techniques - several techniques against one vigie (its start and stop
-- cost seconds): each message on a connection of its own; the config is
-- the first technique's.
function H.techniques(list)
	H.run(function()
		H.start(list[1].config or "")
		for _, t in ipairs(list) do
			H.one(t)
		end
	end)
end

return H
