-- concurrent.lua - many connections at once, their messages interleaved
-- step by step: each gets the verdict of its own message (no state shared
-- between connections), and several messages on one connection in a row.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local N = 24

H.run(function()
	H.start("")
	local conns, msgs = {}, {}
	for i = 1, N do
		conns[i] = H.connect(string.format("203.0.113.%d", i))
		msgs[i] = (i % 3 == 0) and H.msg.impersonation() or H.msg.clean()
		msgs[i].mail_macros = { "i", string.format("QID%02d", i) }
		H.begin(conns[i], msgs[i])
	end
	-- one header at a time, across every connection
	for h = 1, #msgs[1].headers do
		for i = 1, N do
			local hdr = msgs[i].headers[h]
			if hdr ~= nil then
				mt.header(conns[i], hdr[1], hdr[2])
			end
		end
	end
	local right = 0
	for i = N, 1, -1 do
		mt.eoh(conns[i])
		mt.bodystring(conns[i], msgs[i].body)
		mt.eom(conns[i])
		local want = (i % 3 == 0) and "^impersonation" or "^clean"
		local v = H.verdict(conns[i])
		if v ~= nil and v:match(want) then
			right = right + 1
		else
			H.diag(string.format("connection %d: %s", i, tostring(v)))
		end
	end
	H.ok(right == N, string.format("%d interleaved connections, %d right verdicts", N, right))

	local seq = 0
	for k = 1, 10 do
		local m = (k % 2 == 0) and H.msg.impersonation() or H.msg.clean()
		H.send(conns[1], m)
		local v = H.verdict(conns[1])
		if v ~= nil and v:match((k % 2 == 0) and "^impersonation" or "^clean") then
			seq = seq + 1
		end
	end
	H.ok(seq == 10, "10 messages in a row on one connection, " .. seq .. " right verdicts")
	for i = 1, N do
		mt.disconnect(conns[i])
	end
	H.ok(H.wait_for(function() return H.log_has("QID09: verdict=impersonation")
		and H.log_has("QID10: verdict=clean") end, 5), "each log line under its own queue id")
end)
