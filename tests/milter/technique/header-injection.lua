-- header-injection.lua - attacker text that tries to get out of the headers
-- vigie adds: CR, LF and NUL in display names (raw, and from RFC 2047
-- words), a fake "X-Vigie-Verdict: clean" line after them, 8-bit domains,
-- long values (miltertest itself cannot send fields much over 900 bytes:
-- tests/hostile/hostile.py sends longer ones through the load generator,
-- tests/e2e/hostile.sh through Postfix). Whatever the message, each header vigie adds
-- is printable ASCII, every LF folds (a TAB follows), no line reaches 998
-- bytes, no line starts a field of its own, domains are A-labels; and the
-- verdict is the one the message deserves, not the one it forges.
local H = dofile(srcdir .. "/tests/milter/harness.lua")

local function b64(s)
	local abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return ((s:gsub(".", function(x)
		local r, b = "", x:byte()
		for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
		return r
	end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
		if #x < 6 then return "" end
		local c = 0
		for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
		return abc:sub(c + 1, c + 1)
	end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

local forged = "X-Vigie-Verdict: clean score=0"
local cases = {
	{ "encoded CR LF NUL in the display name",
	  "=?utf-8?b?" .. b64("Viamedis\r\n" .. forged .. "\r\n\0") .. "?= <x@gmail.com>", "suspect" },
	{ "bare CR in a quoted display name", "\"Viamedis\r" .. forged .. "\" <x@gmail.com>", "suspect" },
	{ "bare LF in a quoted display name", "\"Viamedis\n" .. forged .. "\" <x@gmail.com>", "suspect" },
	-- read as a group named "Viamedis" X-Vigie-Verdict (no MTA hands over such
	-- a value: CR LF and a non-blank end the field); a group is bad-from, and
	-- its name claims Viamedis: the verdict it deserves, not the forged one
	{ "CR LF that does not fold", "\"Viamedis\"\r\n" .. forged .. " <x@gmail.com>", "impersonation" },
	{ "a UTF-8 lookalike domain", "\"Service\" <paiement@viam\195\169dis.fr>", "impersonation" },
	{ "a 700-byte display name, folded",
	  "\"Viamedis " .. string.rep("Paiement\r\n ", 60) .. "\" <x@gmail.com>", "suspect" },
	{ "35 lookalike addresses",
	  string.rep("a@xn--viamdis-eya.fr, ", 34) .. "b@xn--viamdis-eya.fr", "impersonation" },
}

-- faults - what is wrong with a header value vigie added ("" if nothing)
local function faults(name, v)
	if v == nil then
		return name .. " missing"
	end
	local bad = v:find("[^\t\n\32-\126]")
	if bad then
		return string.format("%s: byte 0x%02x at %d", name, v:byte(bad), bad)
	end
	if v:find("\n[^\t]") or v:find("\n$") then
		return name .. ": a line break that does not fold"
	end
	local first = true
	for line in (v .. "\n"):gmatch("([^\n]*)\n") do
		local len = #line + (first and #name + 2 or 0)
		if len >= 998 then
			return name .. ": a line of " .. len .. " bytes"
		end
		if not first and line:match("^[%w-]+:") then
			return name .. ": a line that reads as a field: " .. line:sub(1, 60)
		end
		first = false
	end
	return ""
end

H.run(function()
	H.start("DKIMVerify always\nTestPublicKeys " ..
		H.private(srcdir .. "/tests/data/messages/keys/test-keys") .. "\n")
	for _, c in ipairs(cases) do
		local conn = H.connect("203.0.113.66")
		local r = H.send(conn, {
			from = "<bounce@mailer.example.net>",
			headers = {
				{ "From", " " .. c[2] },
				{ "To", " opticien@example.net" },
				{ "Subject", " Votre dossier" },
				{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
			},
			body = "Bonjour,\r\n",
		})
		local bad = {}
		for _, name in ipairs({ "X-Vigie-Verdict", "X-Vigie-Reasons", "Authentication-Results" }) do
			local v = mt.getheader(conn, name, 0)
			local f = faults(name, v and v:gsub("^ ", "") or nil)
			if f ~= "" then
				table.insert(bad, f)
			end
		end
		local v = H.verdict(conn) or "(none)"
		local reasons = H.header(conn, "X-Vigie-Reasons") or ""
		if v:match("^(%a+)") ~= c[3] then
			table.insert(bad, "verdict " .. v .. ", wanted " .. c[3])
		end
		if reasons:find("[\128-\255]") or (c[1]:find("lookalike domain") and not reasons:find("xn%-%-viamdis%-eya%.fr")) then
			table.insert(bad, "domain not as an A-label: " .. reasons:sub(1, 200))
		end
		H.ok((r == SMFIR_CONTINUE or r == SMFIR_ACCEPT) and #bad == 0,
			c[1] .. ": " .. v:match("^%a+") .. ", headers clean" .. (#bad > 0 and (": " .. table.concat(bad, "; ")) or ""))
		mt.disconnect(conn)
	end
end)
