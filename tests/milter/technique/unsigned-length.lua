-- unsigned-length.lua - genuine Viamedis mail signed with l=, a RIB request
-- appended past the signed length: the signature passes, the appended
-- request is nobody's (unsigned-content).
local H = dofile(srcdir .. "/tests/milter/harness.lua")
local msg = H.eml(srcdir .. "/tests/data/messages/unsigned-l-append.eml")
H.technique({
	name = "request appended past l=",
	from = "<noreply@viamedis.fr>",
	config = "TestPublicKeys " .. H.private(srcdir .. "/tests/data/messages/keys/test-keys") .. "\n",
	headers = msg.headers,
	body = msg.body,
	verdict = "impersonation",
	codes = { "unsigned-content" },
	authres = "dkim=pass header.d=viamedis.fr",
})
