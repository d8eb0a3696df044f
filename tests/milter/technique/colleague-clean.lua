-- colleague-clean.lua - the negative next to the lures: a pharmacist writing
-- from her own domain about Viamedis and a RIB is not impersonation.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.technique({
	name = "colleague mentioning the brand",
	from = "<claire@pharmacie-dupont.example>",
	headers = {
		{ "From", " Claire Dupont <claire@pharmacie-dupont.example>" },
		{ "To", " marc@pharmacie-martin.example" },
		{ "Subject", " Viamedis : paiements en retard" },
		{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		{ "MIME-Version", " 1.0" },
		{ "Content-Type", " text/plain; charset=utf-8" },
	},
	body = "Salut Marc,\r\nAs-tu reçu les paiements Viamedis de janvier ? J'ai renvoyé mon RIB\r\n"
		.. "par le portail, comme d'habitude.\r\nClaire\r\n",
	verdict = "clean",
	absent = { "display-name", "lure" },
})
