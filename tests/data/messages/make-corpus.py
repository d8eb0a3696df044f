#!/usr/bin/python3
"""make-corpus - write the message corpus of tests/data/messages: legitimate
mail (brand mail DKIM-signed with the test keys of keys/, a newsletter sent
through an ESP, colleagues, mailing lists) and one message per impersonation
technique of shared/notes/detection.md.

    /usr/bin/python3 tests/data/messages/make-corpus.py [DIR]

Rewrites DIR/*.eml and DIR/keys/test-keys (TestPublicKeys format) from the
private keys in DIR/keys (made once with openssl genpkey). The messages are
committed; this script says how each was made. What each must give is in
DIR/MANIFEST, written by hand: never generated from vigie's output.
Signatures carry no x=, so they never expire.
"""
import base64
import os
import quopri
import subprocess
import sys

import dkim

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(DIR, "keys")
DATE = "Mon, 04 Mar 2024 09:12:00 +0100"

# selector, domain, key file, extra TXT tags
SIGNERS = {
    "viamedis": (b"s2024", b"viamedis.fr", "viamedis.pem", ""),
    "ameli": (b"mail", b"info.ameli.fr", "ameli.pem", ""),
    "lookalike": (b"k1", b"xn--viamdis-eya.fr", "lookalike.pem", ""),
    "mailer": (b"k1", b"mailer.example", "lookalike.pem", ""),
    "testing": (b"test", b"viamedis.fr", "testing.pem", "t=y; "),
}


def pubkey(pem):
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()


def write_keys():
    lines = []
    for sel, dom, pem, extra in SIGNERS.values():
        lines.append("%s._domainkey.%s v=DKIM1; k=rsa; %sp=%s" % (
            sel.decode(), dom.decode(), extra, pubkey(os.path.join(KEYS, pem))))
    with open(os.path.join(KEYS, "test-keys"), "w") as f:
        f.write("\n".join(lines) + "\n")


def sign(msg, who):
    sel, dom, pem, _ = SIGNERS[who]
    with open(os.path.join(KEYS, pem), "rb") as f:
        key = f.read()
    heads = [b"from", b"to", b"subject", b"date", b"message-id", b"content-type"]
    sig = dkim.sign(msg, sel, dom, key, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=heads, linesep=b"\r\n")
    return sig + msg


def message(headers, body, ctype="text/plain; charset=utf-8", cte="8bit", mid="x"):
    h = "".join("%s: %s\r\n" % kv for kv in headers)
    h += "Date: %s\r\nMessage-ID: <%s@corpus.test>\r\nMIME-Version: 1.0\r\n" % (DATE, mid)
    if ctype:
        h += "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n" % (ctype, cte)
    return (h + "\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def qp(text):
    return quopri.encodestring(text.replace("\n", "\r\n").encode("utf-8")).decode().replace("\r\n", "\n")


def b64(text):
    raw = base64.b64encode(text.encode("utf-8")).decode()
    return "\n".join(raw[i:i + 76] for i in range(0, len(raw), 76)) + "\n"


def enc_b(s):
    return "=?utf-8?B?%s?=" % base64.b64encode(s.encode("utf-8")).decode()


def enc_q(s):
    out = ""
    for ch in s.encode("utf-8"):
        c = chr(ch)
        out += c if ch < 0x80 and c.isalnum() else ("_" if c == " " else "=%02X" % ch)
    return "=?utf-8?Q?%s?=" % out


TO = ("To", "opticien@optique-martin.fr")
BRAND_BODY = """Bonjour,

Votre relevé de paiements tiers payant de février est disponible dans votre
espace professionnel : https://www.viamedis.net/espace-pro

Nous vous rappelons que Viamedis ne vous demandera jamais votre mot de passe
ni votre RIB par courriel.

Le service Partenaires Viamedis
"""
NEWSLETTER_HTML = """<html><body>
<h1>Viamedis Infos - mars 2024</h1>
<p>Retrouvez les nouveautés du portail sur
<a href="https://click.esp-mail.example/t/8f2a1?u=https%3A%2F%2Fwww.viamedis.net%2Factus">www.viamedis.net</a>.</p>
<p>Sécurité : <a href="https://click.esp-mail.example/t/77b1c">viamedis.net/securite</a></p>
<p><a href="https://click.esp-mail.example/unsub/91">Se désinscrire</a></p>
</body></html>
"""
COLLEAGUE_RIB = """Salut Claire,

J'ai reçu le RIB de Viamedis pour les virements de régularisation, je te
le transmets demain à l'officine. Almerys n'a toujours rien envoyé.

Bonne soirée,
Julien
"""
COLLEAGUE_WARN = """Bonjour à tous,

Attention : des faux mails circulent depuis la fuite de données chez
Viamedis et Almerys. Viamedis ne demandera jamais de mettre à jour vos
coordonnées bancaires par mail. Ne cliquez sur aucun lien.

Hélène, pour le syndicat
"""
COLLEAGUE_PLAIN = """Bonjour,

Le rendez-vous de jeudi est déplacé à 14 h. Le patient de 10 h a annulé.
Le devis est sur https://www.optique-martin.fr/devis/2024-118

Sophie
"""
LIST_BODY = """Bonjour,

Le portail de télétransmission est de nouveau accessible ce matin.

--
Vous recevez ce message car vous êtes abonné au groupe Pharmaciens IDF.
"""
PHISH_RIB = """Madame, Monsieur,

Suite à l'incident de sécurité de février 2024, nous procédons à la
vérification des coordonnées bancaires de nos professionnels partenaires.
Sans mise à jour de votre RIB sous 48 heures, vos remboursements de tiers
payant seront suspendus.

Merci de répondre à ce message avec votre RIB et votre identifiant.

Le service Partenaires
"""
PHISH_SHORT = """Bonjour,

Merci de prendre connaissance du document joint à ce message concernant
votre convention de tiers payant.

Cordialement
"""
PHISH_HTML_B64 = """<html><body>
<p>Madame, Monsieur,</p>
<p>Votre espace professionnel a été suspendu. Reconnectez-vous pour
vérifier votre compte :</p>
<p><a href="https://secure-ps-login.example/viamedis/connexion">https://www.viamedis.net/espace-pro</a></p>
</body></html>
"""
PHISH_HTML_QP = """<html><body>
<p>Bonjour,</p>
<p>Un virement de régularisation de 1&nbsp;284,60&nbsp;€ est en attente.
Validez vos informations sur <a href=3D"http://198.51.100.23/almerys/login">almerys.com</a>.</p>
</body></html>
"""


def w(name, data):
    with open(os.path.join(DIR, name), "wb") as f:
        f.write(data)


def main():
    write_keys()
    # legitimate
    w("brand-signed.eml", sign(message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO,
         ("Subject", enc_q("Votre relevé de paiements Viamedis"))], BRAND_BODY, mid="b1"), "viamedis"))
    w("brand-newsletter-esp.eml", sign(message(
        [("From", "Viamedis Infos <newsletter@viamedis.fr>"), TO,
         ("Subject", "Viamedis Infos - mars 2024"),
         ("List-Unsubscribe", "<https://click.esp-mail.example/unsub/91>")],
        b64(NEWSLETTER_HTML), "text/html; charset=utf-8", "base64", mid="b2"), "viamedis"))
    w("ameli-signed.eml", sign(message(
        [("From", "=?utf-8?Q?l=27Assurance_Maladie?= <ne-pas-repondre@info.ameli.fr>"), TO,
         ("Subject", "Votre attestation de paiement est disponible")],
        "Bonjour,\n\nVotre attestation est disponible sur https://www.ameli.fr/pro\n\nL'Assurance Maladie\n",
        mid="b3"), "ameli"))
    w("colleague-rib.eml", message(
        [("From", "Julien Martin <julien@pharmacie-dupont.fr>"),
         ("To", "claire@pharmacie-dupont.fr"), ("Subject", "RIB Viamedis")],
        COLLEAGUE_RIB, mid="c1"))
    w("colleague-warning.eml", message(
        [("From", "=?utf-8?Q?H=C3=A9l=C3=A8ne_Mercier?= <h.mercier@syndicat-pharmaciens.fr>"),
         TO, ("Subject", "Attention aux faux mails Viamedis")], COLLEAGUE_WARN, mid="c2"))
    w("colleague-plain.eml", message(
        [("From", "Sophie Lefevre <sophie@optique-martin.fr>"), TO, ("Subject", "Planning jeudi")],
        COLLEAGUE_PLAIN, mid="c3"))
    w("list-google-groups.eml", message(
        [("From", "'Service Viamedis' via Pharmaciens IDF <pharmaciens-idf@googlegroups.com>"),
         TO, ("Subject", "[pharmaciens-idf] Portail de nouveau accessible"),
         ("Reply-To", "support@viamedis.fr"),
         ("List-Id", "<pharmaciens-idf.googlegroups.com>"),
         ("ARC-Seal", "i=1; a=rsa-sha256; t=1709539920; cv=none; d=google.com; s=arc-20160816; b=AAAA")],
        LIST_BODY, mid="l1"))
    w("list-author-from.eml", message(
        [("From", "Nicolas Roux <n.roux@kine-marseille.fr>"), TO,
         ("Subject", "[kine-paca] Remboursements Viamedis"),
         ("List-Id", "Kines PACA <kine-paca.lists.kine-actu.fr>"),
         ("List-Unsubscribe", "<mailto:kine-paca-leave@lists.kine-actu.fr>")],
        "Vous aussi vous avez des retards de paiement Viamedis ce mois-ci ?\n\nNicolas\n", mid="l2"))
    # impersonation techniques
    w("display-b-rib.eml", message(
        [("From", "%s <viamedis.service@gmail.com>" % enc_b("Viamédis Tiers Payant")), TO,
         ("Subject", enc_b("Mise à jour obligatoire de vos coordonnées bancaires"))],
        PHISH_RIB, mid="p1"))
    w("display-q.eml", message(
        [("From", "%s <partenaires@outlook.fr>" % enc_q("Santéclair Partenaires")), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="p2"))
    w("display-zero-width.eml", message(
        [("From", "%s <contact@mail-partenaires.example>" % enc_b("Via\u200bmedis")), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="p3"))
    w("display-cyrillic.eml", message(
        [("From", "%s <contact@mail-partenaires.example>" % enc_b("V\u0456amedis")), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="p4"))
    w("display-address.eml", message(
        [("From", "\"contact@viamedis.fr\" <alerte@secure-mail.example>"), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="p5"))
    w("display-ameli-freemail.eml", message(
        [("From", "Service clients Ameli <ameli.remboursement@yahoo.fr>"), TO,
         ("Subject", "Remboursement en attente")],
        "Bonjour,\n\nUn remboursement est en attente. Merci de confirmer votre IBAN.\n", mid="p6"))
    w("from-homoglyph.eml", message(
        [("From", "Viamedis <noreply@xn--viamdis-eya.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p7"))
    w("from-mixed-script.eml", message(
        [("From", "Service partenaires <noreply@xn--vamedis-rog.fr>"), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="p8"))
    w("from-tld-swap.eml", message(
        [("From", "Service partenaires <noreply@viamedis.com>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p9"))
    w("from-lookalike-signed.eml", sign(message(
        [("From", "Viamedis <noreply@xn--viamdis-eya.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p10"), "lookalike"))
    w("reply-to-combosquat.eml", message(
        [("From", "Viamedis <info@newsletter-pro.example>"), TO,
         ("Reply-To", "partenaires@viamedis-securite.fr"), ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p11"))
    w("sender-homoglyph.eml", message(
        [("From", "Claire Durand <claire@optique-martin.fr>"),
         ("Sender", "service@viarnedis.fr"), TO, ("Subject", "Document")],
        PHISH_SHORT, mid="p12"))
    w("envelope-typo.eml", b"Return-Path: <bounce@viamdis.fr>\r\n" + message(
        [("From", "Service partenaires <contact@partenaires-tp.example>"), TO,
         ("Subject", "Document")], PHISH_SHORT, mid="p13"))
    w("spoof-no-dkim.eml", message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p14"))
    w("spoof-unrelated-dkim.eml", sign(message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p15"), "mailer"))
    signed = sign(message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p16"), "viamedis")
    w("spoof-tampered.eml", signed.replace(b"convention de tiers payant", b"convention de tiers PAYANT"))
    w("brand-testing-key.eml", sign(message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p17"), "testing"))
    w("link-mismatch-b64.eml", message(
        [("From", "Espace Pro <notification@espace-pro-sante.example>"), TO,
         ("Subject", "Action requise sur votre compte")],
        b64(PHISH_HTML_B64), "text/html; charset=utf-8", "base64", mid="p18"))
    w("link-mismatch-qp.eml", message(
        [("From", "Service paiements <paiements@regularisation-tp.example>"), TO,
         ("Subject", "Virement en attente")],
        qp(PHISH_HTML_QP.replace("=3D", "=")), "text/html; charset=utf-8", "quoted-printable",
        mid="p19"))
    w("link-userinfo.eml", message(
        [("From", "Support <support@helpdesk-tp.example>"), TO, ("Subject", "Accès portail")],
        "Bonjour,\n\nConnectez-vous ici : https://www.viamedis.net@portail-ps.example/login\n",
        mid="p20"))
    w("link-lookalike-text.eml", message(
        [("From", "Service partenaires <contact@partenaires-tp.example>"), TO,
         ("Subject", "Nouvelle adresse")],
        "Bonjour,\n\nNotre espace change d'adresse : https://espace-viamedis.fr/connexion\n",
        mid="p21"))
    w("link-embedded.eml", message(
        [("From", "Service partenaires <contact@partenaires-tp.example>"), TO,
         ("Subject", "Nouvelle adresse")],
        "Bonjour,\n\nVotre espace : https://viamedis.fr.secure-ps.example/connexion\n",
        mid="p22"))
    w("multiple-from.eml", sign(message(
        [("From", "Viamedis <noreply@viamedis.fr>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="p23"), "viamedis").replace(
        b"From: Viamedis", b"From: Viamedis <alerte@evil-sender.example>\r\nFrom: Viamedis", 1))
    w("no-from.eml", message([TO, ("Subject", "Viamedis : convention 2024")], PHISH_SHORT, mid="p24"))
    w("rib-display.eml", message(
        [("From", "Viamedis <noreply@notifications-sante.example>"), TO,
         ("Subject", "Votre RIB")], PHISH_RIB, mid="p25"))
    w("rib-subject-only.eml", message(
        [("From", "Service Partenaires <partenaires.tp@gmail.com>"), TO,
         ("Subject", "Viamedis : mettez à jour votre RIB sous 48h")],
        PHISH_RIB, mid="p26"))
    # claims wherever a reader sees them (issue 13): one message per surface
    w("claim-group.eml", message(
        [("From", "Itelis: noreply@tp-notif.example;"), TO,
         ("Subject", "Votre RIB")], PHISH_RIB, mid="q1"))
    w("claim-comment-smallcaps.eml", message(
        [("From", "Service partenaires <contact@tp-notif.example> (%s)" % enc_q("\u1d00\u1d04\u1d1b\u026a\u029f")),
         TO, ("Subject", "Convention 2024")], PHISH_SHORT, mid="q2"))
    w("claim-display-fullwidth.eml", message(
        [("From", "%s <noreply@gestion-tp-pro.example>" % enc_b("\uff36\uff49\uff41\uff4d\uff45\uff44\uff49\uff53")),
         TO, ("Subject", "Votre RIB")], PHISH_RIB, mid="q3"))
    w("claim-display-glued.eml", message(
        [("From", "ViamedisPro <noreply@gestion-tp-pro.example>"), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="q4"))
    w("claim-sender-name.eml", message(
        [("From", "Service des paiements <notification@tp-notif.example>"),
         ("Sender", "Cetip <bounce@outlook.example>"), TO, ("Subject", "Convention 2024")],
        PHISH_SHORT, mid="q5"))
    w("claim-sender-domain.eml", message(
        [("From", "Relations professionnels <noreply@tp-notif.example>"),
         ("Sender", "%s <noreply@viamedis.fr>" % enc_q("Viamédis")), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="q6"))
    w("claim-sender-signed.eml", sign(message(
        [("From", "Cabinet Durand <secretariat@cabinet-durand.example>"),
         ("Sender", "Viamedis <noreply@viamedis.fr>"), TO,
         ("Subject", "Votre convention")], BRAND_BODY, mid="q7"), "viamedis"))
    w("claim-local-part.eml", message(
        [("From", "viamedis.support@outlook.example"), TO, ("Subject", "Votre RIB")],
        PHISH_RIB, mid="q8"))
    w("claim-quoted-local.eml", message(
        [("From", "\"noreply@viamedis.fr\"@secure-portail.example"), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="q9"))
    w("claim-reply-to-local.eml", message(
        [("From", "Relations professionnels <service@secure-portail.example>"),
         ("Reply-To", "harmoniemutuelle.paiements@outlook.example"), TO,
         ("Subject", "Convention 2024")], PHISH_SHORT, mid="q10"))
    w("claim-body-request.eml", message(
        [("From", "Relations professionnels <service@secure-portail.example>"), TO,
         ("Subject", "Votre dossier de paiement")],
        "Madame, Monsieur,\n\nOptistya vous demande de transmettre votre RIB en r\u00e9ponse "
        "\u00e0 ce message avant vendredi.\n\nLe service partenaires\n", mid="q11"))
    w("claim-body-form.eml", message(
        [("From", "Relations professionnels <notification@gestion-tp-pro.example>"), TO,
         ("Subject", "Votre espace")],
        "<html><body><h1>Harmonie&#32;Mutu&#101;lle</h1><p><img src=\"logo.png\" alt=\"Harmonie "
        "Mutuelle\"></p><form action=\"https://gestion-tp-pro.example/login\" method=\"post\">"
        "<p>Identifiant : <input type=\"text\" name=\"id\"></p><p>Mot de passe : <input "
        "type=\"password\" name=\"mdp\"></p></form></body></html>\n",
        "text/html; charset=utf-8", mid="q12"))
    w("people-named-like-brands.eml", message(
        [("From", "%s <amelie.picard@cabinet-picard.example>" % enc_q("Amélie Picard")),
         ("Reply-To", "Agence ViaMedia <amiel.compta@cabinet-picard.example>"),
         ("Sender", "Kalixa Amelis <secretariat@cabinet-picard.example>"), TO,
         ("Subject", "Facture de mars")],
        "Bonjour,\n\nVoici la facture de mars. Mon RIB est joint, merci de l'am\u00e9liorer "
        "dans vos fiches.\n\nAm\u00e9lie\n", mid="q13"))
    w("colleague-quotes-lookalike.eml", message(
        [("From", "Didier Lejeune <cabinet@cabinet-lejeune.example>"), TO,
         ("Subject", "Faux mail")],
        "Bonjour,\n\nM\u00e9fie-toi : un faux message circule, l'adresse de l'exp\u00e9diteur se "
        "termine par viamedis-securite.fr. Ils demandent le RIB et l'identifiant du portail, "
        "sous 48 heures.\n\nDidier\n", mid="q14"))
    # an mbox: three messages, the third with an envelope sender imitating Viamedis
    parts = []
    for env, name in (("sophie@optique-martin.fr", "colleague-plain.eml"),
                      ("partenaires@outlook.fr", "display-q.eml"),
                      ("bounce@viamdis.fr", "colleague-rib.eml")):
        with open(os.path.join(DIR, name), "rb") as f:
            body = f.read().replace(b"\r\n", b"\n")
        body = body.replace(b"\nFrom ", b"\n>From ")
        parts.append(b"From %s Mon Mar  4 09:12:00 2024\n" % env.encode() + body + b"\n")
    w("corpus.mbox", b"".join(parts))


main()
