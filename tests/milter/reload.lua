-- reload.lua - SIGUSR1 reloads config and brand pack: a broken config or
-- brand pack is logged and the running one kept (mail still served as
-- before); a good one takes over for new messages while a message already
-- in flight finishes on the configuration it started with.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local SIGUSR1 = 10

-- reload - send SIGUSR1 and wait for the n-th reload to be logged
local function reload(n)
	mt.signal(SIGUSR1)
	return H.wait_for(function()
		local _, done = H.read(H.log):gsub("reload: done", "")
		local _, failed = H.read(H.log):gsub("reload: failed", "")
		return done + failed >= n
	end, 10)
end

-- verdict_action - the reply to an impersonation on a new connection
local function impersonation_reply()
	local conn = H.connect("203.0.113.60")
	local r = H.send(conn, H.msg.impersonation())
	local q = mt.eom_check(conn, MT_QUARANTINE)
	mt.disconnect(conn)
	return r, q
end

H.run(function()
	H.start("ImpersonationAction reject\n")
	H.ok(impersonation_reply() == SMFIR_REPLYCODE, "started with ImpersonationAction reject")

	H.config("ImpersonationAction reject\nFrobnicate yes\n")
	H.ok(reload(1), "reload with an unknown option was attempted")
	H.ok(H.log_has("reload: .*vigie%.conf:%d+: unknown option 'Frobnicate'"),
		"the bad line is logged with file:line")
	H.ok(H.log_has("reload: failed; still running the previous configuration"), "and the old one kept")
	H.ok(impersonation_reply() == SMFIR_REPLYCODE, "mail still served with the old configuration")

	H.write(tmp .. "/brands.conf", "brand Viamedis\n\tdomian viamedis.fr\n")
	H.config("ImpersonationAction quarantine\nBrands " .. tmp .. "/brands.conf\n")
	H.ok(reload(2) and H.log_has("brands%.conf:2: unknown keyword 'domian'"),
		"a broken brand pack is logged")
	H.ok(impersonation_reply() == SMFIR_REPLYCODE, "and the old configuration kept (still reject)")

	-- a message in flight holds its configuration across a reload
	local inflight = H.connect("203.0.113.61")
	local m = H.msg.impersonation()
	H.begin(inflight, m)
	H.config("ImpersonationAction quarantine\nSocket local:" .. tmp .. "/other.sock\n")
	H.ok(reload(3) and H.log_has("reload: done"), "a good configuration is loaded")
	H.ok(H.log_has("Socket changed to .*other%.sock: takes effect at the next restart"),
		"options that need a restart are named")
	local r, quarantined = impersonation_reply()
	H.ok(r ~= SMFIR_REPLYCODE and quarantined, "new messages follow the new configuration (quarantine)")
	H.ok(H.rest(inflight, m) == SMFIR_REPLYCODE,
		"the message in flight finished on its old configuration (reject)")
	mt.disconnect(inflight)
	H.ok(H.alive(H.pid), "vigie kept running through every reload")
end)
