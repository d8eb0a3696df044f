-- stop.lua - SIGTERM stops vigie cleanly (libmilter's smfi_stop): the
-- process exits, the socket and PID file are gone, the log says so; and
-- as root it ran as the unprivileged UserID.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local SIGTERM = 15

-- status_uid - the real and effective uid of a process, from /proc
local function status_uid(pid)
	local status = H.read("/proc/" .. pid .. "/status")
	local real, eff = status:match("\nUid:%s+(%d+)%s+(%d+)")
	return tonumber(real), tonumber(eff)
end

H.run(function()
	H.start("")
	local conn = H.connect("203.0.113.70")
	H.send(conn, H.msg.clean())
	mt.disconnect(conn)

	local id = io.popen("id -u"):read("l")
	if id == "0" then
		local nobody = tonumber(io.popen("id -u nobody"):read("l"))
		local real, eff = status_uid(H.pid)
		H.ok(real == nobody and eff == nobody, "started as root, runs as nobody (uid " .. tostring(real) .. ")")
	else
		H.ok(true, "not root: no privileges to drop # SKIP")
	end

	mt.signal(SIGTERM)
	H.ok(H.wait_for(function() return not H.alive(H.pid) end, 15), "exits after SIGTERM")
	H.ok(H.log_has("stopping") and H.log_has("stopped"), "logs that it stopped")
	H.ok(H.read(H.pidfile) == "", "PID file removed")
	H.ok(os.execute("test -e " .. H.socket) ~= true, "socket removed")
end)
