-- claims-header.lua - a brand claimed in the names a reader sees beside the
-- address: Sender's display name (full-width), a group's name in From, a
-- comment in small capitals, a name glued across RFC 2047 encoded words.
-- One vigie for all (H.techniques): each message on its own connection.
local H = dofile(srcdir .. "/tests/milter/harness.lua")
H.techniques({
	-- The brand in Sender's display name, in full-width
	-- letters: Outlook shows "Viamedis on behalf of ..." for it.
	{
		name = "Sender's display name",
		from = "<notification@tp-notif.example>",
		headers = {
			{ "From", " Service des paiements <notification@tp-notif.example>" },
			{ "Sender", " =?utf-8?B?77y2772J772B772N772F772E772J772T?= <bounce@outlook.example>" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "not clean",
		codes = { "display-name" },
	},
	-- The brand as the name of an RFC 6854 group in From
	-- ("Itelis: noreply@...;"), which clients show as the sender.
	{
		name = "brand as a group name",
		from = "<noreply@suivi-dossiers.example>",
		headers = {
			{ "From", " Itelis: noreply@suivi-dossiers.example;" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "impersonation",
		codes = { "display-name from", "bad-from" },
	},
	-- The brand in small capitals, in a comment beside a
	-- neutral display name.
	{
		name = "brand in a From comment",
		from = "<contact@tp-notif.example>",
		headers = {
			{ "From", " Service partenaires <contact@tp-notif.example> "
				.. "(=?utf-8?Q?=E1=B4=80=E1=B4=84=E1=B4=9B=C9=AA=CA=9F?=)" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "impersonation",
		codes = { "display-name from" },
	},
	-- The brand glued to a service word across two RFC 2047
	-- encoded words, which clients join: "ServiceSeveane".
	{
		name = "brand glued across encoded words",
		from = "<info@relances-paiement.example>",
		headers = {
			{ "From", " =?utf-8?Q?Service?= =?utf-8?Q?Seveane?= <info@relances-paiement.example>" },
			{ "To", " opticien@example.net" },
			{ "Subject", " Convention 2024" },
			{ "Date", " Mon, 5 Feb 2024 10:00:00 +0100" },
		},
		verdict = "not clean",
		codes = { "display-name from" },
	},
})
