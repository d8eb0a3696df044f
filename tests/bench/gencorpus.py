#!/usr/bin/python3
"""gencorpus - a deterministic benchmark corpus of French health-professional mail.

    gencorpus.py [--count N] [--seed S] [--size BYTES] [--signed FRACTION |
                 --all-signed] [--ed25519 FRACTION] [--keys DIR] [--mbox] OUTDIR

Writes OUTDIR/messages/NNNNN-KIND.eml (or OUTDIR/corpus.mbox with --mbox),
OUTDIR/manifest.tsv (one line per message: file, kind, intent, bytes, dkim,
from domain, note) and, when signing, OUTDIR/test-keys (OpenDKIM
TestPublicKeys format) with keys made by dknewkey in OUTDIR/keys (or reused
from --keys DIR). The same seed gives the same messages; with the same keys,
the same bytes (DKIM t= is the message's Date).

The mix (kind, weight, size range): legitimate mail is 76 %, phishing 24 %.
  plain            16  2-8 KB    colleague mail, French, 8bit
  colleague-brand  10  2-10 KB   colleague mail that mentions the platforms
  qp-french         8  2-12 KB   quoted-printable French with accents
  alternative      10  4-24 KB   multipart/alternative text + HTML
  newsletter       12  16-96 KB  HTML newsletter, 20-60 tracked links
  attachment       10  24-200 KB multipart/mixed, a PDF-like base64 attachment
  brand            10  3-40 KB   the platforms' own mail, from their domains
  phish-idn         4  2-20 KB   From an IDN lookalike (xn--viamdis-eya.fr ...)
  phish-combo       4  2-20 KB   From brand-plus-word or typo domains
  phish-display     5  2-20 KB   display name claims a brand, free-mail address
  phish-link        5  2-20 KB   link text shows a brand URL, target elsewhere
  phish-rib         6  2-20 KB   RIB/IBAN lure after the February 2024 breach
Within its range a message's size is log-uniform (as many small messages
as large ones per doubling), so the overall median is near 9 KB and about
one message in eight is over 50 KB. Sizes count the file's bytes (LF line
ends); on the wire (CRLF) a message is about 2 % larger. --size makes every
message exactly that many bytes (2048 at least), signature included.
"""

import argparse
import base64
import email.policy
import email.utils
import hashlib
import math
import os
import random
import subprocess
import sys
import textwrap
import types
import unicodedata
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage

MIN_SIZE = 2048
MAX_SIZE = 200 * 1024
POLICY = email.policy.default.clone(linesep="\n", max_line_length=78)
EPOCH = datetime(2024, 2, 5, 8, 0, 0, tzinfo=timezone(timedelta(hours=1)))

# kind: (weight, min KB, max KB, intent)
KINDS = {
    "plain": (16, 2, 8, "legit"),
    "colleague-brand": (10, 2, 10, "legit"),
    "qp-french": (8, 2, 12, "legit"),
    "alternative": (10, 4, 24, "legit"),
    "newsletter": (12, 16, 96, "legit"),
    "attachment": (10, 24, 200, "legit"),
    "brand": (10, 3, 40, "legit"),
    "phish-idn": (4, 2, 20, "phish"),
    "phish-combo": (4, 2, 20, "phish"),
    "phish-display": (5, 2, 20, "phish"),
    "phish-link": (5, 2, 20, "phish"),
    "phish-rib": (6, 2, 20, "phish"),
}

# The platforms of vigie's brand pack: display name, sending address, web site.
BRANDS = [
    ("Viamedis", "noreply@viamedis.fr", "www.viamedis.net"),
    ("Almerys", "ne-pas-repondre@almerys.com", "www.almerys.com"),
    ("Santéclair", "service.ps@santeclair.fr", "www.santeclair.fr"),
    ("Itelis", "contact@itelis.fr", "www.itelis.fr"),
    ("Kalixia", "partenaires@kalixia.fr", "www.kalixia.fr"),
    ("SP Santé", "tiers-payant@spsante.fr", "www.spsante.fr"),
    ("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "www.ameli.fr"),
    ("Carte Blanche Partenaires", "reseau@carteblanchepartenaires.fr",
     "www.carteblanchepartenaires.fr"),
    ("Harmonie Mutuelle", "professionnels@harmonie-mutuelle.fr", "www.harmonie-mutuelle.fr"),
]
# Lookalikes, as a user would see them; IDNs are sent as A-labels.
# (vіamedis.fr and kalіxia.fr hold a Cyrillic і)
IDN_LOOKALIKES = [("viamédis.fr", "Viamedis"), ("vïamedis.fr", "Viamedis"),
                  ("almérys.com", "Almerys"), ("amelì.fr", "Assurance Maladie"),
                  ("itélis.fr", "Itelis"), ("santéclaír.fr", "Santéclair"),
                  ("vіamedis.fr", "Viamedis"), ("kalіxia.fr", "Kalixia")]
COMBO_LOOKALIKES = [("viamedis-securite.fr", "Viamedis"), ("espace-viamedis.fr", "Viamedis"),
                    ("tiers-payant-viamedis.com", "Viamedis"), ("almerys-paiement.com", "Almerys"),
                    ("ameli-mescompte.com", "Assurance Maladie"),
                    ("santeclair-remboursement.fr", "Santéclair"), ("viamdis.fr", "Viamedis"),
                    ("viarnedis.fr", "Viamedis"), ("viamedis.com", "Viamedis"),
                    ("www-viamedis.fr", "Viamedis"), ("ameii-support.fr", "Assurance Maladie"),
                    ("itelis-partenaires.net", "Itelis")]
FREEMAIL = ["gmail.com", "outlook.fr", "laposte.net", "orange.fr", "free.fr", "yahoo.fr"]
PRO_DOMAINS = ["pharmacie-durand.fr", "optique-martin.fr", "cabinet-infirmier-lyon.fr",
               "pharmacie-du-centre.fr", "opticiens-bretagne.fr", "kine-marseille.fr",
               "labo-bioouest.fr", "dentiste-lefevre.fr"]
PEOPLE = ["Claire Durand", "Julien Martin", "Sophie Lefèvre", "Thomas Moreau", "Élodie Garnier",
          "Nicolas Roux", "Camille Fontaine", "Hélène Mercier", "François Bonnet", "Léa Chevalier"]
NEWSLETTER_SENDERS = [("Le Quotidien du Pharmacien", "news@lettre.quotidien-pharmacien.fr"),
                      ("Acuité Optique", "newsletter@info.acuite-optique.fr"),
                      ("Kiné Actualités", "lettre@news.kine-actu.fr")]
TRACKERS = ["click.mailjet-eu.example", "t.sendinblue-link.example", "links.esp-mail.example"]

SENTENCES = [
    "Je te transmets le dossier du patient pour le renouvellement de son ordonnance.",
    "Peux-tu vérifier si la carte Vitale a bien été mise à jour ?",
    "Le rendez-vous de jeudi est déplacé à 14 h, la salle de réunion est réservée.",
    "On se retrouve à l'officine vers 9 h pour l'inventaire du trimestre.",
    "Merci pour ton aide sur la télétransmission hier, tout est reparti.",
    "La livraison du grossiste arrive demain matin, il faudra ranger la réserve.",
    "Nous avons reçu la nouvelle monture, le client passera la récupérer samedi.",
    "Le logiciel de facturation a encore planté après la mise à jour de lundi.",
    "Pense à signer le registre des stupéfiants avant de partir ce soir.",
    "Le devis pour les verres progressifs est prêt, je te l'envoie en pièce jointe.",
    "Les horaires d'été commencent la semaine prochaine, l'affiche est à refaire.",
    "J'ai appelé le médecin traitant, il rappellera en fin de journée.",
    "Le stagiaire arrive lundi, il faudra lui créer un accès au logiciel.",
    "Est-ce que tu peux relire le compte rendu de la réunion d'équipe ?",
    "Le patient demande si le remboursement du fauteuil est possible cette année.",
    "La mutuelle a répondu, le complément sera versé avec le prochain paiement.",
    "J'ai rangé les commandes urgentes dans le bac rouge derrière le comptoir.",
    "Le technicien passe vendredi pour la maintenance du lecteur de cartes.",
    "Les nouvelles étiquettes de prix sont arrivées, il faudra les poser en rayon.",
    "Tu peux préparer la tournée des livraisons à domicile pour mardi ?",
    "Le cabinet d'à côté nous envoie ses patients pour les vaccins cette semaine.",
    "Nous avons un retour client sur une paire de lunettes rayée, à voir ensemble.",
    "Le bilan de fin de mois est prêt, il manque seulement les avoirs fournisseurs.",
    "J'ai mis à jour le tableau des gardes, vérifie tes dates avant de valider.",
    "Le nouveau protocole de désinfection est affiché dans la salle de soins.",
    "Pour la formation de mars, il reste deux places, inscris-toi vite.",
    "Le patient de 10 h a annulé, on peut avancer celui de 11 h.",
    "Les tests antigéniques sont en rupture chez le grossiste jusqu'à la fin du mois.",
    "Merci de noter les températures du réfrigérateur chaque matin dans le cahier.",
    "La banque a confirmé le virement, tu peux clôturer le dossier.",
]
BRAND_SENTENCES = [
    "Les remboursements {b} de janvier ne sont toujours pas arrivés sur le compte.",
    "J'ai eu {b} au téléphone, ils disent que les rejets viennent d'un problème de flux.",
    "Tu as vu l'article sur la fuite de données chez {b} ? Il faut changer les mots de passe.",
    "Attention aux faux mails {b} qui circulent depuis février, ne clique sur aucun lien.",
    "Le portail {b} est encore en maintenance ce matin, je réessaierai cet après-midi.",
    "La prise en charge {b} a été refusée pour ce patient, il faut refaire la demande.",
    "D'après le syndicat, {b} ne demandera jamais le RIB par mail : méfiance.",
    "Le conseiller {b} m'a envoyé la nouvelle grille de prise en charge, je te la transfère.",
    "Tu sais si {b} a rétabli l'accès au service de rapprochement des paiements ?",
    "Nous avons encore trois dossiers bloqués chez {b} depuis le 29 janvier.",
    "J'ai reçu un SMS soi-disant de {b}, évidemment je n'ai pas cliqué.",
]
ARTICLES = [
    "Tiers payant : ce qui change au 1er mars", "Cyberattaque : les bons réflexes à l'officine",
    "Nouvelle convention : les points clés", "Vaccination en pharmacie : bilan de la saison",
    "100 % Santé optique : le point sur les paniers", "Ordonnances numériques : le calendrier",
    "Pénuries de médicaments : la liste mise à jour", "Formation continue : les sessions d'avril",
    "Facturation : éviter les rejets les plus fréquents", "Sécurité informatique des cabinets",
    "Le marché des lunettes en 2024", "Téléconsultation : les nouvelles règles",
]
LURES = [
    "Suite à l'incident de sécurité de février 2024, nous procédons à la vérification des "
    "coordonnées bancaires de nos professionnels de santé partenaires.",
    "Sans mise à jour de votre RIB sous 48 heures, vos remboursements de tiers payant seront "
    "suspendus.",
    "Merci de confirmer votre IBAN et votre identifiant de connexion sur l'espace sécurisé.",
    "Votre mot de passe a expiré : reconnectez-vous pour éviter la désactivation de votre compte.",
    "Un virement de régularisation de 1 284,60 EUR est en attente de validation de votre part.",
    "Cette démarche est obligatoire pour tous les professionnels concernés par la fuite de données.",
    "Pour votre sécurité, ce lien est valable 24 heures seulement.",
    "Vous devrez saisir votre identifiant, votre mot de passe et le RIB de votre officine.",
    "Notre service partenaires reste à votre disposition du lundi au vendredi.",
]
DISCLAIMER = (
    "Ce message et toutes les pieces jointes sont confidentiels et etablis a l'intention "
    "exclusive de ses destinataires. Toute utilisation ou diffusion non autorisee est interdite. "
    "Si vous avez recu ce message par erreur, merci de le detruire et d'en avertir l'expediteur. "
)


def ascii_filler(n):
    """Exactly n bytes: a blank line, then ASCII text in lines of at most 72 characters."""
    if n <= 1:
        return "\n" * n
    return "\n" + ascii_lines(n - 1)


def ascii_lines(n):
    """Exactly n bytes of ASCII text in lines of at most 72 characters, ending in a newline."""
    lines, line = [], ""
    words = DISCLAIMER.split()
    i = 0
    while sum(len(x) + 1 for x in lines) < n:
        w = words[i % len(words)]
        i += 1
        if len(line) + len(w) + 1 > 72:
            lines.append(line)
            line = w
        else:
            line = (line + " " + w) if line else w
    text = "\n".join(lines) + "\n"
    text = text[:n - 1]
    if text.endswith(" "):
        text = text[:-1] + "."
    return text + "\n"


def idna_domain(u):
    """A domain as sent in mail: A-labels."""
    try:
        import idna
        return idna.encode(u, uts46=True).decode()
    except Exception:
        return u.encode("idna").decode()


def paragraphs(rng, pool, nbytes, fmt=None):
    """Sentences from pool until about nbytes of UTF-8, two to four per paragraph."""
    out, para, size = [], [], 0
    want = rng.randint(2, 4)
    while size < nbytes or not (out or para):
        x = rng.choice([p for p in pool if p not in para] or pool)
        x = x.format(**fmt) if fmt else x
        para.append(x)
        size += len(x.encode()) + 1
        if len(para) == want:
            out.append(" ".join(para))
            para, want = [], rng.randint(2, 4)
    if para:
        out.append(" ".join(para))
    return "\n\n".join(out)


def thread(rng, pool, nbytes, fmt=None):
    """(reply, quoted thread): a short reply, the earlier messages quoted, about nbytes."""
    reply = paragraphs(rng, pool, min(nbytes, rng.randint(200, 700)), fmt)
    text = ""
    depth, when = 0, EPOCH
    while len(reply.encode()) + len(text.encode()) < nbytes:
        depth += 1
        when -= timedelta(hours=rng.randint(1, 30))
        left = nbytes - len(reply.encode()) - len(text.encode()) - 60
        quoted = paragraphs(rng, pool, max(60, min(rng.randint(200, 900), left)), fmt)
        lines = []
        for para in quoted.split("\n\n"):
            lines += textwrap.wrap(para, 72 - depth) + [""]
        prefix = ">" * depth
        text += (f"\n\nLe {when:%d/%m/%Y à %H:%M}, {rng.choice(PEOPLE)} a écrit :\n"
                 + "\n".join(f"{prefix} {ln}" if ln else prefix for ln in lines[:-1]))
    return reply, text


class Mail:
    """What the kind builders decide; render() turns it into bytes."""

    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.date = EPOCH + timedelta(minutes=7 * index + rng.randint(0, 6))
        self.sender = None      # (display name, address)
        self.to = None
        self.subject = ""
        self.text = ""
        self.html = None
        self.attachment = None  # (file name, bytes)
        self.image = None       # inline logo for the HTML part, bytes
        self.extra = []         # other header fields (name, value)
        self.note = ""
        self.text_cte = "8bit"

    def from_domain(self):
        return self.sender[1].rsplit("@", 1)[1]

    def render(self, pad):
        """The message as bytes, with pad bytes of ASCII filler in a place that stays 7bit."""
        m = EmailMessage(policy=POLICY)
        name, addr = self.sender
        local, domain = addr.rsplit("@", 1)
        m["From"] = Address(display_name=name, username=local, domain=domain)
        m["To"] = Address(display_name=self.to[0], addr_spec=self.to[1])
        m["Subject"] = self.subject
        m["Date"] = email.utils.format_datetime(self.date)
        digest = hashlib.sha1(f"{self.index}{self.subject}".encode()).hexdigest()[:16]
        m["Message-ID"] = f"<{self.date:%Y%m%d%H%M%S}.{digest}@{domain}>"
        for k, v in self.extra:
            m[k] = v
        # the exact-size filler is a disclaimer at the end of the text part:
        # ASCII in short lines, so it is as long encoded (8bit or QP) as raw
        filler = ascii_filler(pad)
        m.set_content(self.text + "\n" + filler, charset="utf-8", cte=self.text_cte)
        if self.html is not None:
            m.add_alternative(self.html, subtype="html", charset="utf-8", cte="quoted-printable")
            if self.image is not None:
                m.get_payload()[1].add_related(self.image, maintype="image", subtype="png",
                                               cid="<logo@partenaires>", filename="logo.png")
        if self.attachment is not None:
            fname, data = self.attachment
            m.add_attachment(data, maintype="application", subtype="pdf", filename=fname)
        if m.is_multipart():
            m.preamble = "Ceci est un message au format MIME."
        # the email package draws boundaries from the global random module
        for n, part in enumerate(p for p in m.walk() if p.is_multipart()):
            part.set_boundary(f"=_vigie_{digest[:12]}_{n}")
        return m.as_bytes()


def pdf_like(rng, nbytes):
    """Bytes that start like a PDF and fill nbytes with a deterministic stream."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    seed = rng.getrandbits(64).to_bytes(8, "big")
    out, counter = [head], 0
    size = len(head)
    while size < nbytes:
        block = hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        out.append(block)
        size += len(block)
        counter += 1
    return b"".join(out)[:max(nbytes, len(head))]


def ascii_local(name):
    """A name as an address local part: accents dropped, spaces as dots."""
    folded = unicodedata.normalize("NFKD", name.lower().replace(" ", "."))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "."))


def person(rng, domain=None):
    """A colleague: (name, address)."""
    name = rng.choice(PEOPLE)
    return name, f"{ascii_local(name)}@{domain or rng.choice(PRO_DOMAINS + FREEMAIL)}"


# Each builder fills a Mail; bulk is the size in bytes of the part that
# grows with the message (a quoted thread, links, a PDF, a logo).

def build_plain(m, bulk):
    m.sender, m.to = person(m.rng), person(m.rng)
    m.subject = m.rng.choice(["Re: ", "", "Fwd: ", "RE: "]) + m.rng.choice(
        ["Planning de la semaine", "Dossier patient", "Inventaire", "Commande grossiste",
         "Réunion d'équipe", "Question sur la facturation", "Gardes de mars", "Formation"])
    reply, quoted = thread(m.rng, SENTENCES, bulk)
    m.text = f"Bonjour,\n\n{reply}\n\nBonne journée,\n{m.sender[0]}{quoted}"


def build_colleague_brand(m, bulk):
    build_plain(m, 0)
    b = m.rng.choice(BRANDS)[0]
    m.subject = m.rng.choice(["Problème de remboursement ", "Attention aux mails ", "Re: Portail "]) + b
    mixed = BRAND_SENTENCES + [x.replace("{", "{{").replace("}", "}}") for x in SENTENCES]
    reply, quoted = thread(m.rng, mixed, bulk, {"b": b})
    m.text = f"Salut,\n\n{reply}\n\nÀ plus,\n{m.sender[0]}{quoted}"
    m.note = "mentions " + b


def build_qp_french(m, bulk):
    build_plain(m, bulk)
    m.text_cte = "quoted-printable"
    m.text = m.text.replace("Bonjour", "Bonjour à toute l'équipe, « état des lieux » :", 1)


def html_page(title, blocks, footer):
    """A newsletter-like HTML page."""
    body = "\n".join(blocks)
    return (f"<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head>\n<body style=\"font-family:Arial,sans-serif\">\n"
            f"<h1>{title}</h1>\n{body}\n<p style=\"font-size:11px\">{footer}</p>\n</body></html>\n")


def build_alternative(m, bulk):
    build_plain(m, bulk / 2)
    paras = m.text.split("\n\n")
    m.html = html_page(m.subject, [f"<p style=\"margin:0 0 12px 0;line-height:1.4\">{p}</p>"
                                   for p in paras], m.sender[0])


def tracked(m, url, short=False):
    """A tracking redirect to url, as newsletter platforms rewrite links."""
    token = base64.urlsafe_b64encode(hashlib.sha256(f"{m.index}{url}".encode()).digest()).decode()
    if short:
        return f"https://t.{m.rng.choice(TRACKERS)}/c/{token[:12]}"
    return f"https://{m.rng.choice(TRACKERS)}/ls/click?upn={token[:40]}&u={token[40:]}"


def build_newsletter(m, bulk):
    name, addr = m.rng.choice(NEWSLETTER_SENDERS)
    site = addr.rsplit("@", 1)[1].split(".", 1)[1]
    m.sender, m.to = (name, addr), person(m.rng)
    m.subject = f"{name} – {m.rng.choice(ARTICLES)}"
    nlinks = max(20, min(80, int(bulk / 700)))
    compact = bulk < 6000       # a small fixed size: short links, no text copy of them
    blurb = max(120, (bulk - nlinks * 700) / (nlinks / 3 + 1))
    blocks, lines = [], []
    for i in range(nlinks):
        title = m.rng.choice(ARTICLES)
        url = f"https://www.{site}/articles/2024/{i:02d}-{hashlib.md5(title.encode()).hexdigest()[:8]}"
        link = tracked(m, url, compact)
        if compact:
            blocks.append(f"<a href=\"{link}\">{title.split(' :')[0][:24]}</a><br>")
            continue
        blocks.append(f"<h2><a href=\"{link}\">{title}</a></h2>")
        if i % 3 == 0:
            blocks.append("<p>" + paragraphs(m.rng, SENTENCES, blurb) + "</p>")
        lines.append(f"{title}\n{link}")
    if compact:
        lines.append(f"Version en ligne : https://www.{site}/lettre/{m.index}")
    m.html = html_page(name, blocks, f"<a href=\"{tracked(m, 'https://www.' + site + '/desinscription')}\">"
                       "Se désinscrire</a>")
    m.text = "\n\n".join(lines)
    m.extra = [("List-Unsubscribe", f"<https://www.{site}/desinscription?u={m.index}>"),
               ("Precedence", "bulk")]
    m.note = f"{nlinks} tracked links"


def build_attachment(m, bulk):
    build_plain(m, min(600, bulk * 0.1))
    m.subject = m.rng.choice(["Facture", "Ordonnance scannée", "Devis", "Relevé"]) + " en pièce jointe"
    fname = m.rng.choice(["facture-2024-02.pdf", "ordonnance.pdf", "devis-optique.pdf",
                          "releve-tiers-payant.pdf"])
    raw = max(300, int(bulk * 0.9))
    m.attachment = (fname, pdf_like(m.rng, raw))
    m.note = f"{fname} {raw} bytes"


def build_brand(m, bulk):
    name, addr, site = m.rng.choice(BRANDS)
    m.sender, m.to = (name, addr), person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = m.rng.choice(["Votre relevé de paiements", "Information réseau partenaires",
                              "Maintenance du portail professionnels", "Nouvelles conditions"])
    m.text = (f"Madame, Monsieur,\n\nVotre relevé est disponible sur https://{site}/espace-pro.\n\n"
              + paragraphs(m.rng, SENTENCES, min(bulk * 0.2, 1500)) + f"\n\nL'équipe {name}")
    m.html = html_page(name, [f"<p>Votre relevé est disponible sur "
                              f"<a href=\"https://{site}/espace-pro\">{site}</a>.</p>"]
                       + [f"<p>{p}</p>" for p in m.text.split("\n\n")[2:-1]],
                       f"{name} ne vous demandera jamais vos coordonnées bancaires par courriel.")
    shape = m.rng.random()      # drawn before sizes, so size changes no choice
    m.image = pdf_like(m.rng, int(bulk * 0.25)) if bulk > 800 else None
    if shape < 0.4:
        m.attachment = ("releve.pdf", pdf_like(m.rng, max(300, int(bulk * 0.45))))
    m.extra = [("Return-Path", f"<bounce@{addr.rsplit('@', 1)[1]}>")]
    m.note = "from " + name


def phish_body(m, brand, site, bulk, link_text=None, link_target=None):
    """The lure (breach pretext, bank details or password, one link) and the brand's logo."""
    link_target = link_target or f"https://{site}/connexion"
    lure = paragraphs(m.rng, LURES, 400)
    m.text = (f"Cher professionnel de santé,\n\n{lure}\n\nMettre à jour mes informations : "
              f"{link_target}\n\nService partenaires {brand}")
    m.html = html_page(brand, ["<p><img src=\"cid:logo@partenaires\" alt=\"" + brand + "\"></p>"]
                       + [f"<p>{p}</p>" for p in lure.split("\n\n")]
                       + [f"<p><a href=\"{link_target}\">{link_text or link_target}</a></p>"],
                       f"© 2024 {brand}")
    # phishing kits embed the brand's logo: the bulk of the message
    m.image = pdf_like(m.rng, int(bulk * 0.7)) if bulk > 500 else None


def build_phish_idn(m, bulk):
    u, brand = m.rng.choice(IDN_LOOKALIKES)
    dom = idna_domain(u)
    m.sender, m.to = (brand, f"securite@{dom}"), person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = "Action requise : vérification de vos coordonnées bancaires"
    phish_body(m, brand, dom, bulk)
    m.note = f"{u} = {dom}"


def build_phish_combo(m, bulk):
    dom, brand = m.rng.choice(COMBO_LOOKALIKES)
    m.sender = (f"{brand} Tiers Payant", f"no-reply@{dom}")
    m.to = person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = "Important : suspension de vos remboursements"
    phish_body(m, brand, dom, bulk)
    m.note = dom


def build_phish_display(m, bulk):
    brand, addr, site = m.rng.choice(BRANDS)
    free = m.rng.choice(FREEMAIL)
    if m.rng.random() < 0.3:
        m.sender = (addr, f"support.{m.rng.randint(100, 999)}@{free}")   # display-address
    else:
        local = ascii_local(brand.split()[0])
        m.sender = (f"{brand} Service Clients", f"{local}.tp{m.rng.randint(1, 99)}@{free}")
    m.to = person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = f"{brand} : confirmez votre RIB"
    phish_body(m, brand, m.rng.choice(COMBO_LOOKALIKES)[0], bulk)
    m.note = f"claims {brand} from {free}"


def build_phish_link(m, bulk):
    brand, addr, site = m.rng.choice(BRANDS)
    evil = m.rng.choice(["secure-ps.com", "portail-pro.net", "maj-compte.info", "bit-ly.example"])
    m.sender = (brand, f"info@{m.rng.choice(COMBO_LOOKALIKES)[0]}")
    m.to = person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = f"Votre espace {brand} expire aujourd'hui"
    phish_body(m, brand, site, bulk, link_text=f"https://{site}/",
               link_target=f"https://{site.replace('www.', '')}.{evil}/login")
    m.note = f"text {site}, target {evil}"


def build_phish_rib(m, bulk):
    brand, addr, site = m.rng.choice(BRANDS)
    dom = m.rng.choice([d for d, _ in COMBO_LOOKALIKES]
                       + [idna_domain(m.rng.choice(IDN_LOOKALIKES)[0])])
    m.sender, m.to = (brand, f"comptabilite@{dom}"), person(m.rng, m.rng.choice(PRO_DOMAINS))
    m.subject = "Changement de RIB suite à l'incident de sécurité"
    phish_body(m, brand, dom, bulk)
    iban = "FR76 " + " ".join(f"{m.rng.randint(0, 9999):04d}" for _ in range(5)) + " 123"
    m.text += f"\n\nNouvel IBAN à enregistrer : {iban}\nBIC : CCBPFRPPXXX\n"
    m.note = "RIB lure from " + dom


BUILDERS = {
    "plain": build_plain, "colleague-brand": build_colleague_brand, "qp-french": build_qp_french,
    "alternative": build_alternative, "newsletter": build_newsletter,
    "attachment": build_attachment, "brand": build_brand, "phish-idn": build_phish_idn,
    "phish-combo": build_phish_combo, "phish-display": build_phish_display,
    "phish-link": build_phish_link, "phish-rib": build_phish_rib,
}


class Signer:
    """DKIM signatures with an rsa-2048 key (selector rsa2048) and an ed25519 key (ed25519)."""

    SELECTORS = {"rsa": (b"rsa2048", b"rsa-sha256"), "ed25519": (b"ed25519", b"ed25519-sha256")}
    HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
               b"content-type", b"list-unsubscribe"]

    def __init__(self, keydir):
        import dkim
        self.dkim = dkim
        self.keys = {}
        os.makedirs(keydir, exist_ok=True)
        for kind in self.SELECTORS:
            base = os.path.join(keydir, kind)
            if not (os.path.exists(base + ".key") and os.path.exists(base + ".dns")):
                subprocess.run(["dknewkey", "--ktype", kind, base], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(base + ".key", "rb") as f, open(base + ".dns") as g:
                self.keys[kind] = (f.read(), g.read().strip())
        self.domains = set()

    def sign(self, raw, domain, kind, when):
        """raw with a DKIM-Signature on top; t= is when, so output is repeatable."""
        selector, algorithm = self.SELECTORS[kind]
        real = self.dkim.time
        self.dkim.time = types.SimpleNamespace(time=lambda: when)
        try:
            sig = self.dkim.sign(raw, selector, domain.encode(), self.keys[kind][0],
                                 canonicalize=(b"relaxed", b"relaxed"),
                                 signature_algorithm=algorithm, include_headers=self.HEADERS,
                                 linesep=b"\n")
        finally:
            self.dkim.time = real
        self.domains.add(domain)
        return sig + raw

    def write_test_keys(self, path):
        """OpenDKIM TestPublicKeys: one line per signing domain and selector."""
        with open(path, "w") as f:
            for domain in sorted(self.domains):
                for kind, (selector, _) in self.SELECTORS.items():
                    f.write(f"{selector.decode()}._domainkey.{domain} {self.keys[kind][1]}\n")


def fit(build, goal):
    """The Mail with the largest bulk found whose rendering fits in goal bytes.

    Size grows with bulk, by steps (a sentence, a link, a quoted message) and
    not always monotonically (content is drawn as it grows): interpolate
    between the largest bulk that fits and the least that does not, bisect
    when interpolation stalls, keep the closest fit seen.
    """
    lo, hi, best, b = None, None, None, max(100.0, goal * 0.4)
    for step in range(24):
        m = build(b)
        size = len(m.render(0))
        if size <= goal:
            if best is None or size > best[0]:
                best = (size, m)
            if lo is None or b > lo[0]:
                lo = (b, size, m)
            if goal - size <= max(64, goal // 100):
                break
        elif hi is None or b < hi[0]:
            hi = (b, size)
        if lo and hi:
            if hi[0] - lo[0] < 1:
                break
            b = lo[0] + (goal - lo[1]) * (hi[0] - lo[0]) / max(1, hi[1] - lo[1])
            if step % 2 or not lo[0] < b < hi[0]:
                b = (lo[0] + hi[0]) / 2     # every other step halves the bracket
        elif lo:
            b = lo[0] + max(goal - lo[1], 16)
        else:
            b = hi[0] / 4
    return best[1] if best else build(0.0)


def sized(m, target, sign):
    """m rendered (and signed) at exactly target bytes, or at its size if that is larger."""
    pad, raw = 0, b""
    for _ in range(12):
        raw = m.render(pad)
        if sign is not None:
            raw = sign(raw)
        if len(raw) == target or (len(raw) > target and pad == 0):
            return raw
        pad = max(0, pad + target - len(raw))
    raise RuntimeError(f"message {m.index} ({target} bytes): padding did not converge")


def pick_kind(rng):
    total = sum(w for w, _, _, _ in KINDS.values())
    x = rng.uniform(0, total)
    for kind, (w, _, _, _) in KINDS.items():
        x -= w
        if x < 0:
            return kind
    return kind


# room a DKIM-Signature takes, so that fitting can leave it space
SIGNATURE_ROOM = {None: 0, "rsa": 700, "ed25519": 420}


def make(args, i, signer):
    """Message i: (kind, bytes, manifest fields). Message i is the same whatever --count."""
    meta = random.Random(f"{args.seed}:{i}")
    kind = pick_kind(meta)
    _, lo, hi, intent = KINDS[kind]
    target = args.size or int(math.exp(meta.uniform(math.log(lo * 1024), math.log(hi * 1024))))
    target = target if args.size else max(MIN_SIZE, min(target, MAX_SIZE))
    signed = signer is not None and meta.random() < args.signed
    alg = ("ed25519" if meta.random() < args.ed25519 else "rsa") if signed else None

    def build(bulk):
        mail = Mail(random.Random(f"{args.seed}:{i}:content"), i)
        BUILDERS[kind](mail, bulk)
        return mail

    m = fit(build, target - SIGNATURE_ROOM[alg])
    domain = m.from_domain()
    when = int(m.date.timestamp())
    sign = (lambda raw: signer.sign(raw, domain, alg, when)) if signed else None
    raw = sized(m, target, sign)
    if args.size and len(raw) != args.size:
        raise RuntimeError(f"message {i} ({kind}) needs {len(raw)} bytes, over --size {args.size}")
    dkim_col = "-" if not signed else "/".join(x.decode() for x in Signer.SELECTORS[alg])
    return kind, raw, [kind, intent, str(len(raw)), dkim_col, domain, m.note or "-"]


def mbox_escape(raw):
    """mboxrd: a body line starting with >*From gets one more >."""
    out = []
    for line in raw.split(b"\n"):
        stripped = line.lstrip(b">")
        out.append(b">" + line if stripped.startswith(b"From ") else line)
    return b"\n".join(out)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Deterministic benchmark corpus for vigie.")
    p.add_argument("outdir")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--seed", default="vigie")
    p.add_argument("--size", type=int, default=0, help="every message exactly SIZE bytes")
    p.add_argument("--signed", type=float, default=0.0, help="fraction of messages DKIM-signed")
    p.add_argument("--all-signed", action="store_true", help="sign every message")
    p.add_argument("--ed25519", type=float, default=0.5, help="fraction of signatures in ed25519")
    p.add_argument("--keys", help="directory holding (or to receive) rsa.key/.dns, ed25519.key/.dns")
    p.add_argument("--mbox", action="store_true", help="one mbox instead of one file per message")
    a = p.parse_args(argv)
    if a.all_signed:
        a.signed = 1.0
    if a.count < 1 or not 0 <= a.signed <= 1 or not 0 <= a.ed25519 <= 1:
        p.error("--count must be positive, --signed and --ed25519 between 0 and 1")
    if a.size and not MIN_SIZE <= a.size <= 10 * 1024 * 1024:
        p.error(f"--size must be between {MIN_SIZE} and 10485760")
    return a


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    signer = Signer(args.keys or os.path.join(args.outdir, "keys")) if args.signed > 0 else None
    msgdir = os.path.join(args.outdir, "messages")
    if not args.mbox:
        os.makedirs(msgdir, exist_ok=True)
    box = open(os.path.join(args.outdir, "corpus.mbox"), "wb") if args.mbox else None
    sizes, counts = [], {}
    with open(os.path.join(args.outdir, "manifest.tsv"), "w") as man:
        man.write("file\tkind\tintent\tbytes\tdkim\tfrom_domain\tnote\n")
        for i in range(args.count):
            kind, raw, fields = make(args, i, signer)
            if box is not None:
                stamp = (EPOCH + timedelta(minutes=7 * i)).strftime("%a %b %d %H:%M:%S %Y")
                box.write(b"From MAILER-DAEMON " + stamp.encode() + b"\n" + mbox_escape(raw)
                          + (b"" if raw.endswith(b"\n") else b"\n") + b"\n")
                name = f"corpus.mbox#{i + 1}"
            else:
                name = f"messages/{i:05d}-{kind}.eml"
                with open(os.path.join(args.outdir, name), "wb") as f:
                    f.write(raw)
            man.write("\t".join([name] + fields) + "\n")
            sizes.append(len(raw))
            counts[kind] = counts.get(kind, 0) + 1
    if box is not None:
        box.close()
    if signer is not None:
        signer.write_test_keys(os.path.join(args.outdir, "test-keys"))
    sizes.sort()
    print(f"gencorpus: {args.count} messages in {args.outdir}: sizes min {sizes[0]} "
          f"median {sizes[len(sizes) // 2]} max {sizes[-1]} bytes; "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
