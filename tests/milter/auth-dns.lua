-- auth-dns.lua - run by tests/milter/auth-dns.sh (the global dns names the
-- dnsmasq it started): each message of tests/data/auth through the daemon,
-- from its own SMTP client (a connection each: client address, HELO,
-- envelope sender), with SPF and DKIM on every message and the union's
-- relay trusted; the verdict must be the MANIFEST's and the inserted
-- Authentication-Results must carry the spf= and dmarc= results below.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local data = srcdir .. "/tests/data/auth/"

-- what vigie's Authentication-Results says of each (nil: no spf= written)
local expect = {
	["reject-dkim-pass.eml"] = { "spf=pass smtp.mailfrom=viamedis.fr", "dmarc=pass" },
	["reject-spf-only.eml"] = { "spf=pass smtp.mailfrom=viamedis.fr", "dmarc=pass" },
	["reject-spoof.eml"] = { "spf=fail", "dmarc=fail header.from=viamedis.fr policy.dmarc=reject" },
	["quarantine-spoof.eml"] = { "spf=pass smtp.mailfrom=evil.example", "policy.dmarc=quarantine" },
	["pct-quarantine-spoof.eml"] = { "spf=fail", "policy.dmarc=none" },
	["none-esp-newsletter.eml"] = { "spf=pass smtp.mailfrom=esp.example", "policy.dmarc=none" },
	["none-spf-fail.eml"] = { "spf=fail", "policy.dmarc=none" },
	["none-spf-fail-lure.eml"] = { "spf=fail", "policy.dmarc=none" },
	["norecord-esp.eml"] = { "spf=pass", "dmarc=none" },
	["norecord-reply-lure.eml"] = { "spf=pass", "dmarc=none" },
	["dmarc-temperror.eml"] = { "spf=pass", "dmarc=temperror" },
	["dkim-temperror.eml"] = { "spf=pass", "dmarc=fail" },
	["spf-temperror.eml"] = { "spf=temperror", "dmarc=fail" },
	["subdomain-sp.eml"] = { "spf=pass", "header.from=news.viamedis.fr policy.dmarc=none" },
	["dmarc-two-records.eml"] = { "spf=pass", "dmarc=none" },
	["dmarc-bad-record.eml"] = { "spf=pass", "dmarc=permerror" },
	["strict-relaxed-dkim.eml"] = { "spf=none", "dmarc=fail" },
	["null-sender-helo.eml"] = { "spf=pass smtp.helo=mail.viamedis.fr", "dmarc=pass" },
	["list-relay.eml"] = { "spf=pass", "dmarc=fail" },
	["list-relay-lookalike.eml"] = { "spf=pass", "dmarc=fail" },
	["list-tampered.eml"] = { "spf=pass", "dmarc=fail" },
	["trusted-relay.eml"] = { nil, "dmarc=pass" },
	["trusted-below.eml"] = { nil, "dmarc=fail" },
	["trusted-below-only.eml"] = { "spf=fail", "dmarc=fail" },
}

-- parse - a message file as header fields (folding kept) and a CRLF body
local function parse(path)
	local raw = H.read(path):gsub("\r\n", "\n")
	local head, body = raw:match("^(.-)\n\n(.*)$")
	local headers = {}
	for line in (head .. "\n"):gmatch("(.-)\n") do
		if line:match("^[ \t]") and #headers > 0 then
			headers[#headers][2] = headers[#headers][2] .. "\r\n" .. line
		else
			local name, value = line:match("^([^:]+):[ ]?(.*)$")
			table.insert(headers, { name, value })
		end
	end
	return headers, body:gsub("\n", "\r\n")
end

-- manifest - verdict by file
local function manifest()
	local m = {}
	for line in H.read(data .. "MANIFEST"):gmatch("[^\n]+") do
		local file, verdict = line:match("^([%w%-]+%.eml)%s+(%a+)")
		if file then
			m[file] = verdict
		end
	end
	return m
end

-- flat - a header value on one line
local function flat(v)
	return (v or ""):gsub("\r?\n[ \t]+", " ")
end

-- plain - find without patterns
local function has(s, part)
	return s:find(part, 1, true) ~= nil
end

H.run(function()
	H.start("Nameservers " .. dns .. "\nDNSTimeout 2\nDKIMVerify always\nSPFVerify always\n"
		.. "TrustedAuthservIDs relay.syndicat.example\n")
	local verdicts = manifest()
	local cases = {}
	for line in H.read(data .. "cases"):gmatch("[^\n]+") do
		local file, ip, helo, from, opts = line:match("^([%w%-]+%.eml)%s+(%S+)%s+(%S+)%s+(%S+)%s*(.*)$")
		-- the pack-signer case needs its own brand pack: vigie-check covers it
		if file and not opts:find("%-%-brands") then
			table.insert(cases, { file, ip, helo, from })
		end
	end
	-- a redirect: viamedis.fr's mail sent with a bounce subdomain's envelope
	table.insert(cases, { "reject-spf-only.eml", "192.0.2.11", "mail.viamedis.fr",
		"bounce@bounce.viamedis.fr", "spf=pass smtp.mailfrom=bounce.viamedis.fr", "dmarc=pass" })
	for _, c in ipairs(cases) do
		local file, ip, helo, from = c[1], c[2], c[3], c[4]
		local headers, body = parse(data .. file)
		local conn = H.connect(ip, nil, helo)
		local r = H.send(conn, { from = from == "<>" and "<>" or "<" .. from .. ">",
			headers = headers, body = body })
		local v = H.verdict(conn) or "none"
		local ar = flat(H.header(conn, "Authentication-Results"))
		local spf, dmarc = c[5] or expect[file][1], c[6] or expect[file][2]
		local ok = (r == SMFIR_CONTINUE or r == SMFIR_ACCEPT) and v:match("^" .. verdicts[file]) ~= nil
			and has(ar, H.authserv .. ";") and has(ar, dmarc)
			and (spf == nil and not has(ar, "spf=") or spf ~= nil and has(ar, spf))
		H.ok(ok, string.format("%s from %s (%s): %s; %s %s", file, ip, from, verdicts[file],
			spf or "no spf=", dmarc))
		if not ok then
			H.diag("got " .. v .. " / " .. ar)
		end
		mt.disconnect(conn)
	end
	-- nothing lost on the way: every message logged once with a verdict
	local _, logged = H.read(H.log):gsub("verdict=", "")
	H.ok(logged == #cases, string.format("%d messages, %d log lines", #cases, logged))
end)
