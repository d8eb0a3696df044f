#!/usr/bin/python3
"""gen_adversarial - impersonation messages, one per claim surface, folding
form, link trick and authentication gap of issue 13: the "adversarial"
evaluation set. Every message is class "attack": vigie must call each at
least suspect.

    /usr/bin/python3 tests/eval/gen_adversarial.py OUTDIR [--split dev|held|all]

Writes OUTDIR/adversarial/{dev,held}/*.eml, labels.tsv (category = the claim
surface or trick, technique = the form), test-keys (the DKIM keys of the
brand mail this set signs with tests/eval/keys/eval.pem: OpenDKIM's
TestPublicKeys format) and vigie.conf (AuthservID mx.eval.test,
TrustedAuthservIDs relay.eval.test: the relay whose Authentication-Results
the "authres" cases forge).

Each message isolates its technique: the brand is named only on the surface
under test; the sender's domain, the Subject and the body's lure (bank
details, password reset, unpaid claims, "régularisation") name no brand, and
links go to the attacker's own neutral domain, except where the technique is
the link. Every brand of contrib/brands.conf is used in both splits (the
"brand-sweep" category covers each of them with two lure styles).

dev and held use different brands for the same technique, different
attacker domains, victims and lookalikes, and held has forms and tricks of
its own (math double-struck and sans-serif letters, other invisible
characters, other redirectors, hidden-text padding...).
"""
import argparse
import os
import sys
import unicodedata
from urllib.parse import quote as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib as E  # noqa: E402

ATTACKER = {"dev": ["gestion-tp-pro.fr", "secure-portail-pro.com", "tp-notif.net", "suivi-dossiers-pro.com",
                    "relances-paiement.net"],
            "held": ["notif-remboursements.com", "portail-prestataires.net", "maj-dossier-pro.fr",
                     "service-comptes-pro.com", "reglements-en-ligne.net"]}
FREEMAIL = {"dev": ["outlook.fr", "free.fr"], "held": ["gmail.com", "yahoo.fr"]}
VICTIMS = {"dev": ["opticien@optique-morvan.fr", "contact@pharmacie-lorient.fr", "secretariat@cabinet-leroux.fr"],
           "held": ["cabinet@kine-leduc.fr", "accueil@audition-perrot.fr", "officine@pharmacie-vannes.fr"]}
NEUTRAL = {"dev": ["Service partenaires", "Service des paiements", "Relations professionnels"],
           "held": ["Gestion des comptes", "Cellule remboursements", "Support prestataires"]}
COMBO = {"dev": ["paiement", "securite", "espace-pro", "remboursement", "connexion"],
         "held": ["portail", "verification", "mon-compte", "reglement", "acces-pro"]}

LURES = {
    "rib": ("Mise à jour de vos coordonnées bancaires",
            "Suite à un contrôle de nos fichiers, vos coordonnées bancaires doivent être mises à jour. "
            "Sans mise à jour de votre RIB sous 48 heures, vos remboursements de tiers payant seront suspendus.\n\n"
            "Mettez à jour votre RIB en ligne : {url}"),
    "password": ("Réinitialisation de votre mot de passe",
                 "Votre mot de passe expire aujourd'hui. Pour conserver l'accès à votre espace professionnel, "
                 "réinitialisez votre mot de passe et confirmez votre identifiant : {url}"),
    "impayes": ("Factures impayées en attente de traitement",
                "Plusieurs de vos factures de tiers payant sont en impayés. Pour débloquer le paiement, "
                "connectez-vous avec votre identifiant et validez vos coordonnées bancaires : {url}"),
    "regularisation": ("Régularisation de vos paiements",
                       "Une régularisation de vos paiements de tiers payant est en attente. Pour la recevoir, "
                       "confirmez votre IBAN avant la fin de la semaine : {url}"),
    "coordonnees": ("Mise à jour de vos coordonnées bancaires requise",
                    "Dans le cadre de la sécurisation de nos services, merci de procéder à la mise à jour de vos "
                    "coordonnées bancaires (RIB) depuis votre espace : {url}"),
}
LURE_KEYS = list(LURES)

# --- folding forms -----------------------------------------------------------

SMALLCAPS = dict(zip("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ"))
CYRILLIC = {"a": "а", "e": "е", "i": "і", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "s": "ѕ",
            "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
            "X": "Х", "I": "І", "S": "Ѕ"}
GREEK = {"A": "Α", "B": "Β", "E": "Ε", "Z": "Ζ", "H": "Η", "I": "Ι", "K": "Κ", "M": "Μ", "N": "Ν", "O": "Ο",
         "P": "Ρ", "T": "Τ", "Y": "Υ", "X": "Χ", "o": "ο", "v": "ν", "i": "ι", "a": "α"}
ACCENTS = {"a": "àâä", "e": "èêë", "i": "ìîï", "o": "òôö", "u": "ùûü", "y": "ÿý", "c": "ç", "n": "ñ", "s": "š",
           "A": "ÀÂÄ", "E": "ÈÊË", "I": "ÌÎÏ", "O": "ÒÔÖ", "V": "V"}


def math_letter(c, style):
    kind = "CAPITAL" if c.isupper() else "SMALL"
    for name in ("MATHEMATICAL %s %s %s" % (style, kind, c.upper()), "%s %s %s" % (style, kind, c.upper())):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            pass
    return c


def enclosed(c, upper):
    if not c.isalpha() or not c.isascii():
        return c
    c = c.upper() if upper else c.lower()
    return unicodedata.lookup("CIRCLED LATIN %s LETTER %s" % ("CAPITAL" if upper else "SMALL", c.upper()))


def swap_some(s, table, split, n=2):
    """Replace n letters of s found in table: the first ones in dev, the last ones in held."""
    idx = [i for i, c in enumerate(s) if c in table]
    if split == "held":
        idx = idx[::-1]
    out = list(s)
    for k, i in enumerate(idx[:n]):
        opts = table[s[i]]
        out[i] = opts[k % len(opts)] if len(opts) > 1 else opts
    return "".join(out)


def insert_between(s, chars):
    """An invisible character after the first and the middle letter of the first word."""
    w = s.split(" ")[0]
    if len(w) < 3:
        return s[:1] + chars[0] + s[1:]
    mid = len(w) // 2
    return w[:1] + chars[0] + w[1:mid] + chars[-1] + w[mid:] + s[len(w):]


def form(s, name, split):
    """The brand name s written in folding form name."""
    if name == "plain":
        return s
    if name == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
    if name == "smallcaps":
        return "".join(SMALLCAPS.get(c.lower(), c) if c.isalpha() else c for c in s)
    if name == "math":
        style = "BOLD" if split == "dev" else "DOUBLE-STRUCK"
        return "".join(math_letter(c, style) if c.isascii() and c.isalpha() else c for c in s)
    if name == "math-sans":
        return "".join(math_letter(c, "SANS-SERIF BOLD") if c.isascii() and c.isalpha() else c for c in s)
    if name == "enclosed":
        return "".join(enclosed(c, split == "dev") for c in s)
    if name == "zero-width":
        return insert_between(s, ["\u200b"] if split == "dev" else ["\u200d", "\u2060"])
    if name == "invisible":
        return insert_between(s, ["\u00ad"] if split == "dev" else ["\u034f", "\u2062"])
    if name == "cyrillic":
        return swap_some(s, CYRILLIC, split)
    if name == "greek":
        return swap_some(s, GREEK, split)
    if name == "accents":
        return swap_some(s, ACCENTS, split)
    raise ValueError(name)


FORMS = ["plain", "fullwidth", "smallcaps", "math", "enclosed", "zero-width", "invisible", "cyrillic", "greek",
         "accents"]
FORMS_HELD_ONLY = ["math-sans"]


def show(s):
    """s for a label: invisible and format characters as [U+XXXX], the rest as is."""
    return "".join("[U+%04X]" % ord(c) if unicodedata.category(c) in ("Cf", "Mn", "Zs", "Cc") and c != " " else c
                   for c in s)


def ascii_name(s):
    """A brand name without its accents (the base the folding forms start from)."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# --- brands ------------------------------------------------------------------

class Brand:
    def __init__(self, b):
        self.name = b["name"]
        self.names = b["names"]
        self.domains = b["domains"]
        self.label = self.domains[0].split(".")[0]
        # a token for local parts (the brand's one-word name, else its domain
        # label) and a word for glued display names (its name in CamelCase)
        special = SPECIAL_TOKENS.get(self.name)
        single = " " not in self.name
        self.token = special[0] if special else E.slug(self.name) if single else self.label.replace("-", "")
        self.word = special[1] if special else "".join(w[:1].upper() + w[1:] for w in ascii_name(self.name).split())
        # names claimed on the display surfaces: the brand's name, or a name
        # form of five letters or more (not Be-Ys, e-CPS)
        self.claims = [n for n in self.names if len(ascii_name(n).replace("-", "").replace(" ", "")) >= 5]


SPECIAL_TOKENS = {"Assurance Maladie": ("ameli", "Ameli"), "Pro Santé Connect": ("prosanteconnect", "ProSanteConnect"),
                  "iSanté": ("isante", "iSante"), "MSSanté": ("mssante", "MSSante")}


def brands():
    bs, _ = E.load_brands()
    return [Brand(b) for b in bs]


# --- message assembly -----------------------------------------------------------

class Ctx:
    def __init__(self, split, seed):
        self.split = split
        self.seed = seed
        self.brands = brands()
        self.keys = set()
        self.n = 0

    def r(self, *k):
        return E.rng(self.seed, "adv", self.split, *k)

    def attacker(self, r):
        return r.choice(ATTACKER[self.split])

    def victim(self, r):
        return r.choice(VICTIMS[self.split])

    def brand(self, k):
        return self.brands[k % len(self.brands)]


def url_for(r, dom):
    return "https://%s/%s" % (dom, r.choice(["espace/connexion", "maj-rib", "login", "compte/verification", "pro/acces"]))


def lure(r, key, url):
    subj, body = LURES[key]
    return subj, body.format(url=url)


def assemble(ctx, r, from_value, subject, text, extra=(), html=None, html_only=False, top_extra=(), body_part=None):
    """from_value is already a header value; returns bytes."""
    date, _ = E.rfc_date(r)
    att = from_value.rsplit("@", 1)[-1].strip(" >;)") if "@" in from_value else ctx.attacker(r)
    att = att.split()[0].rstrip(">;)")
    victim = ctx.victim(r)
    headers = list(top_extra) + [
        ("Received", "from mail.%s (mail.%s [203.0.113.%d]) by mx.%s (Postfix) with ESMTPS id %s for <%s>; %s" % (
            att, att, r.randrange(1, 254), victim.split("@")[1], "".join(r.choice("0123456789ABCDEF") for _ in range(10)),
            victim, date)),
        ("From", from_value), ("To", victim), ("Subject", E.unstructured(subject, r.choice(["Q", "B"]))),
        ("Date", date), ("Message-ID", E.message_id(r, att))] + list(extra)
    if body_part is not None:
        top = body_part
    elif html and html_only:
        top = E.text_part(html, "html", "utf-8", "quoted-printable")
    elif html:
        top = E.multipart("alternative", [E.text_part(text, "plain", "utf-8", "quoted-printable"),
                                          E.text_part(html, "html", "utf-8", "quoted-printable")], r)
    else:
        top = E.text_part(text, "plain", "utf-8", r.choice(["8bit", "quoted-printable", "base64"]))
    return E.message(headers, top)


def neutral_from(ctx, r, local=None):
    dom = ctx.attacker(r)
    return E.mailbox(r.choice(NEUTRAL[ctx.split]), "%s@%s" % (local or r.choice(["noreply", "notification", "service"]), dom)), dom


def body_text(text, sign=None):
    return "Madame, Monsieur,\n\n%s\n\n%s" % (text, sign or "Le service partenaires")


# --- categories -------------------------------------------------------------------

def cat_surfaces(ctx, out):
    """display, sender, group, comment and body surfaces, in every folding form."""
    forms = FORMS + (FORMS_HELD_ONLY if ctx.split == "held" else [])
    surfaces = ["display", "sender", "group", "comment", "body"]
    off = 0 if ctx.split == "dev" else 7
    for si, surface in enumerate(surfaces):
        for fi, fname in enumerate(forms):
            r = ctx.r(surface, fname)
            b = ctx.brand(off + si * 3 + fi)
            base = ascii_name(b.name if r.random() < 0.6 else r.choice(b.claims or [b.name]))
            claim = form(base, fname, ctx.split)
            lk = LURE_KEYS[(si + fi) % len(LURE_KEYS)]
            dom = ctx.attacker(r)
            subj, text = lure(r, lk, url_for(r, dom))
            enc = r.choice(["Q", "B"])
            extra = []
            if surface == "display":
                frm = E.mailbox(claim, "%s@%s" % (r.choice(["noreply", "service", "contact"]), dom), enc)
            elif surface == "sender":
                frm, _ = neutral_from(ctx, r)
                extra.append(("Sender", E.mailbox(claim, "bounce@%s" % r.choice(FREEMAIL[ctx.split] + [dom]), enc)))
            elif surface == "group":
                # RFC 2047 section 5: an encoded word is separated from the ':' by a space
                ph = E.phrase(claim, enc)
                frm = "%s%s: %s;" % (ph, " " if "=?" in ph else "", "noreply@%s" % dom)
            elif surface == "comment":
                com = E.encode_words(claim, "utf-8", enc) if E.needs_encoding(claim) else claim
                frm = "noreply@%s (%s)" % (dom, com)
            else:
                frm, _ = neutral_from(ctx, r)
                text = "%s : %s" % (claim, text)
            raw = assemble(ctx, r, frm, subj, body_text(text), extra)
            out.add(ctx.split, "attack", surface, fname, raw, note="%s as '%s' (%s), lure %s" % (
                b.name, show(claim), surface, lk))


def cat_sender_domain(ctx, out):
    r = ctx.r("sender-brand-domain")
    b = ctx.brand(3 if ctx.split == "dev" else 8)
    frm, dom = neutral_from(ctx, r)
    subj, text = lure(r, "rib", url_for(r, dom))
    extra = [("Sender", E.mailbox(b.name, "noreply@%s" % b.domains[0], "Q"))]
    raw = assemble(ctx, r, frm, subj, body_text(text), extra)
    out.add(ctx.split, "attack", "sender", "brand-domain-unauthenticated", raw,
            note="Sender: %s <noreply@%s>, no signature" % (b.name, b.domains[0]))


def cat_local_part(ctx, out):
    split = ctx.split
    fm = FREEMAIL[split]
    cases = [  # technique, from value template ({t} token, {d} attacker domain, {f} freemail, {dom} brand domain)
        ("bare", "{t}@{d}"),
        ("angle-only", "<{t}@{d}>"),
        ("dot", "{t}.support@{f}" if split == "dev" else "support.{t}@{f}"),
        ("hyphen", "{t}-tiers-payant@{d}" if split == "dev" else "paiements-{t}@{d}"),
        ("underscore", "service_{t}@{d}" if split == "dev" else "{t}_remboursements@{d}"),
        ("digits", "{t}2024@{d}" if split == "dev" else "tp1{t}@{d}"),
        ("quoted-brand-address", '"noreply@{dom}"@{d}'),
        ("brand-domain-as-local-with-display", "{B} <{dom}@{d}>"),
        ("neutral-display", "{N} <{t}.partenaires@{d}>"),
        ("reply-to", None),
        ("sender", None),
    ]
    off = 2 if split == "dev" else 11
    for i, (tech, tpl) in enumerate(cases):
        r = ctx.r("local", tech)
        b = ctx.brand(off + i)
        dom = ctx.attacker(r)
        lk = LURE_KEYS[i % len(LURE_KEYS)]
        subj, text = lure(r, lk, url_for(r, dom))
        extra = []
        if tpl is None:
            frm, _ = neutral_from(ctx, r)
            val = "%s.paiements@%s" % (b.token, r.choice(fm)) if tech == "reply-to" else "%s-notification@%s" % (b.token, dom)
            extra.append(("Reply-To" if tech == "reply-to" else "Sender", val))
            note = "%s: %s" % (tech, val)
        else:
            frm = tpl.format(t=b.token, d=dom, f=r.choice(fm), dom=b.domains[0], B=E.phrase(b.name),
                             N=E.phrase(r.choice(NEUTRAL[split])))
            note = "From: %s" % frm
        raw = assemble(ctx, r, frm, subj, body_text(text), extra)
        out.add(split, "attack", "local-part", tech, raw, note="%s (%s), lure %s" % (note, b.name, lk))


def cat_glued(ctx, out):
    split = ctx.split
    if split == "dev":
        cases = [("camel-suffix", "{W}Pro"), ("digits", "{W}2024"), ("prefix-word", "Service{W}"),
                 ("caps-word", "{WU}Paiements"), ("dot-word", "{W}.Paiements"),
                 ("2047-glue", ["Service", "{W}"]), ("2047-split-brand", ["{W0}", "{W1}"]),
                 ("2047-glue-b", ["{W}", "Pro"])]
    else:
        cases = [("camel-suffix", "{W}Connect"), ("digits", "{W}24"), ("prefix-word", "Espace{W}"),
                 ("caps-word", "{WU}Service"), ("underscore-word", "{W}_Paiements"),
                 ("2047-glue", ["Mon", "{W}"]), ("2047-split-brand", ["{W0}", "{W1}"]),
                 ("2047-glue-b", ["{W}", "Support"]), ("prefix-digits", "TP24{W}")]
    off = 4 if split == "dev" else 13
    for i, (tech, tpl) in enumerate(cases):
        r = ctx.r("glued", tech)
        b = ctx.brand(off + i)
        w = b.word
        mid = len(w) // 2
        fill = dict(W=w, WU=w.upper(), W0=w[:mid], W1=w[mid:])
        dom = ctx.attacker(r)
        addr = "%s@%s" % (r.choice(["noreply", "contact", "info"]), dom)
        if isinstance(tpl, list):
            enc = "B" if tech.endswith("-b") else "Q"
            words = [t.format(**fill) for t in tpl]
            frm = "%s <%s>" % (" ".join(E.encode_word(x, "utf-8", enc) for x in words), addr)
            shown = "".join(words)
        else:
            shown = tpl.format(**fill)
            frm = E.mailbox(shown, addr)
        lk = LURE_KEYS[(i + 1) % len(LURE_KEYS)]
        subj, text = lure(r, lk, url_for(r, dom))
        raw = assemble(ctx, r, frm, subj, body_text(text))
        out.add(split, "attack", "glued", tech, raw, note="display '%s' (%s), lure %s" % (shown, b.name, lk))


def html_body(inner):
    return E.html_doc(inner, "Information")


def cat_body(ctx, out):
    split = ctx.split
    off = 6 if split == "dev" else 15
    cases = ["entities-dec", "entities-hex", "entities-named", "alt-text", "link-text", "login-form", "rib-request",
             "heading-and-form"]
    if split == "held":
        cases += ["entities-every-letter", "alt-text-form"]
    for i, tech in enumerate(cases):
        r = ctx.r("body", tech)
        b = ctx.brand(off + i)
        name = ascii_name(b.name)   # as readers write it, spaces kept
        frm, dom = neutral_from(ctx, r)
        url = url_for(r, dom)
        lk = LURE_KEYS[i % len(LURE_KEYS)]
        subj, ltext = lure(r, lk, url)
        esc = E.html.escape
        lure_html = "<p>%s</p>" % esc(ltext.split(" : ")[0] if " : " in ltext else ltext)
        link = '<p><a href="%s">Accéder à mon espace</a></p>' % esc(url)
        form_html = ('<form action="https://%s/login" method="post"><p>Identifiant : <input type="text" name="id"></p>'
                     '<p>Mot de passe : <input type="password" name="mdp"></p><p><button type="submit">Connexion</button></p></form>' % dom)
        if tech == "entities-dec":
            nm = "%s&#%d;%s" % (name[0], ord(name[1]), name[2:]) if name[1] != " " else "&#%d;%s" % (ord(name[0]), name[1:])
            inner = "<h1>%s</h1>%s%s" % (nm, lure_html, link)
        elif tech == "entities-hex":
            nm = "&#x%X;%s" % (ord(name[0]), name[1:])
            inner = "<p>Votre partenaire %s vous informe :</p>%s%s" % (nm, lure_html, link)
        elif tech == "entities-named":
            accented = ascii_name(b.name).replace("e", "&eacute;", 1) if "e" in ascii_name(b.name) else "&Eacute;" + name
            inner = "<h2>%s</h2>%s%s" % (accented, lure_html, link)
            nm = accented
        elif tech == "entities-every-letter":
            nm = "".join("&#%d;" % ord(c) for c in name)
            inner = "<h1>%s</h1>%s%s" % (nm, lure_html, link)
        elif tech == "alt-text":
            nm = name
            inner = '<p><img src="https://%s/logo.png" alt="%s" width="180"></p>%s%s' % (dom, esc(name), lure_html, link)
        elif tech == "alt-text-form":
            nm = name
            inner = '<p><img src="https://%s/logo.png" alt="%s" width="180"></p>%s' % (dom, esc(name), form_html)
        elif tech == "link-text":
            nm = name
            inner = '%s<p><a href="%s">Espace %s</a></p>' % (lure_html, esc(url), esc(name))
        elif tech == "login-form":
            nm = name
            inner = "<p>Connectez-vous à votre espace %s pour consulter vos paiements.</p>%s" % (esc(name), form_html)
        elif tech == "heading-and-form":
            nm = name
            inner = "<h1>%s</h1><p>Session expirée. Merci de vous reconnecter.</p>%s" % (esc(name), form_html)
        else:  # rib-request, plain text only
            nm = name
            text = "Madame, Monsieur,\n\n%s vous demande de transmettre votre RIB en réponse à ce message avant vendredi.\n\nLe service partenaires" % name
            raw = assemble(ctx, r, frm, "Votre dossier de paiement", text)
            out.add(split, "attack", "body", tech, raw, note="%s named in the body with one RIB request" % b.name)
            continue
        raw = assemble(ctx, r, frm, subj, "", html=html_body(inner), html_only=True)
        out.add(split, "attack", "body", tech, raw, note="%s as '%s' in HTML, lure %s" % (b.name, nm, lk))


def lookalike(b, split, k):
    words = COMBO[split]
    w = words[k % len(words)]
    return "%s-%s.com" % (b.label, w)


def cat_links(ctx, out):
    split = ctx.split
    off = 1 if split == "dev" else 10
    if split == "dev":
        cases = ["direct", "google-q", "google-q-encoded", "nested-google-safelinks", "safelinks", "tracking-url",
                 "padding-comment-270k"]
    else:
        cases = ["direct", "facebook-l", "youtube-redirect", "linkedin-redir", "nested-facebook-google", "tracking-target",
                 "padding-comment-270k", "padding-hidden-300k", "google-q-encoded"]
    for i, tech in enumerate(cases):
        r = ctx.r("link", tech)
        b = ctx.brand(off + i)
        target = "https://%s/%s" % (lookalike(b, split, i), r.choice(["login", "espace-pro", "connexion"]))
        e = lambda u: pq(u, safe="")
        href = {
            "direct": target,
            "google-q": "https://www.google.com/url?q=%s&sa=D&source=editors&ust=%d" % (target, r.randrange(10 ** 15)),
            "google-q-encoded": "https://www.google.com/url?q=%s&sa=D&source=editors&usg=AOvVaw%d" % (e(target), r.randrange(10 ** 6)),
            "nested-google-safelinks": "https://www.google.com/url?q=%s&sa=D" % e(
                "https://eur01.safelinks.protection.outlook.com/?url=%s&data=05%%7C02%%7C&reserved=0" % e(target)),
            "safelinks": "https://eur02.safelinks.protection.outlook.com/?url=%s&data=05%%7C02%%7Cx%%7C&sdata=abc&reserved=0" % e(target),
            "tracking-url": "https://trk.emailing-sante.fr/redirect?url=%s&cid=%d" % (e(target), r.randrange(10 ** 6)),
            "facebook-l": "https://l.facebook.com/l.php?u=%s&h=AT%d" % (e(target), r.randrange(10 ** 8)),
            "youtube-redirect": "https://www.youtube.com/redirect?event=video_description&q=%s" % e(target),
            "linkedin-redir": "https://www.linkedin.com/redir/redirect?url=%s&urlhash=Ab1c" % e(target),
            "nested-facebook-google": "https://l.facebook.com/l.php?u=%s&h=AT1" % e("https://www.google.com/url?q=%s&sa=D" % target),
            "tracking-target": "https://click.routage-pro.fr/c?target=%s&uid=%d" % (e(target), r.randrange(10 ** 6)),
            "padding-comment-270k": target,
            "padding-hidden-300k": target,
        }[tech]
        frm, dom = neutral_from(ctx, r)
        lk = LURE_KEYS[(i + 2) % len(LURE_KEYS)]
        subj, ltext = lure(r, lk, "")
        pad = ""
        if tech == "padding-comment-270k":
            pad = "<!--\n" + "\n".join("commentaire de mise en page %05d %s" % (k, "." * 40) for k in range(270 * 1024 // 76)) + "\n-->\n"
        elif tech == "padding-hidden-300k":
            pad = '<div style="display:none">\n' + "\n".join("texte masque %05d %s" % (k, "lorem ipsum " * 4) for k in range(300 * 1024 // 66)) + "\n</div>\n"
        inner = "%s<p>%s</p><p><a href=\"%s\">Accéder à mon espace</a></p>" % (pad, E.html.escape(ltext.rstrip(" :")), E.html.escape(href))
        raw = assemble(ctx, r, frm, subj, "", html=html_body(inner), html_only=True)
        out.add(split, "attack", "link", tech, raw, note="link to %s (%s) %s" % (target, b.name, "" if href == target else "via " + href.split("/")[2]))


def signed_brand_mail(ctx, r, b, frm_addr, sel_domain, subject, text, length=False, extra_signed=()):
    date, _ = E.rfc_date(r)
    victim = ctx.victim(r)
    headers = [("From", E.mailbox(b.name, frm_addr, "Q")), ("To", victim), ("Subject", E.unstructured(subject, "Q")),
               ("Date", date), ("Message-ID", E.message_id(r, sel_domain))] + list(extra_signed)
    top = E.text_part(text, "plain", "utf-8", "8bit")
    raw = E.message(headers, top)
    ctx.keys.add("eval._domainkey." + sel_domain)
    return E.dkim_sign(raw, "eval", sel_domain, length=length)


BRAND_MAIL = {"dev": [("Viamedis", "noreply@viamedis.fr", "viamedis.fr"),
                      ("Viamedis", "noreply@viamedis.fr", "viamedis.fr"),
                      ("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "info.ameli.fr")],
              "held": [("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "info.ameli.fr"),
                       ("Almerys", "information@almerys.com", "almerys.com"),
                       ("Santéclair", "partenaires@santeclair.fr", "santeclair.fr"),
                       ("Almerys", "information@almerys.com", "almerys.com")]}


def cat_dkim(ctx, out):
    split = ctx.split
    bl = {b.name: b for b in ctx.brands}
    genuine = ("Madame, Monsieur,\n\nVotre relevé de paiements du mois est disponible dans votre espace professionnel. "
               "Pour toute question, répondez simplement à ce message.\n\nL'équipe Relations professionnels\n")
    cases = ["l-append-rib", "reply-to-unsigned", "second-subject"]
    if split == "held":
        cases.append("l-append-lookalike-link")
    for i, tech in enumerate(cases):
        r = ctx.r("dkim", tech)
        bname, addr, sdom = BRAND_MAIL[split][i]
        b = bl[bname]
        att = ctx.attacker(r)
        if tech.startswith("l-append"):
            raw = signed_brand_mail(ctx, r, b, addr, sdom, "Votre relevé de paiements", genuine, length=True)
            if tech == "l-append-rib":
                add = ("\r\nIMPORTANT : suite à un incident technique, vos coordonnées bancaires doivent être "
                       "mises à jour.\r\nSans mise à jour de votre RIB sous 48 heures, vos paiements seront suspendus :\r\n"
                       "https://%s/maj-rib\r\n" % att)
            else:
                add = "\r\nConnectez-vous pour confirmer votre identifiant et votre mot de passe :\r\nhttps://%s/login\r\n" % lookalike(b, split, i)
            raw += add.encode("utf-8")
            note = "%s mail signed with l=, then %s appended" % (bname, "a RIB request" if tech == "l-append-rib" else "a lookalike login link")
        elif tech == "reply-to-unsigned":
            raw = signed_brand_mail(ctx, r, b, addr, sdom, "Votre relevé de paiements", genuine)
            hdr = "Reply-To: %s\r\n" % E.mailbox("Service comptable", "compta.tp@%s" % r.choice(FREEMAIL[split]))
            raw = hdr.encode() + raw
            note = "%s signed mail, Reply-To added outside h=" % bname
        else:
            raw = signed_brand_mail(ctx, r, b, addr, sdom, "Votre relevé de paiements", genuine)
            hdr = "Subject: %s\r\n" % E.unstructured("Urgent : mise à jour de votre RIB sous 48 heures", "Q")
            raw = hdr.encode() + raw
            note = "%s signed mail, a second Subject (RIB lure) added above the signed one" % bname
        out.add(split, "attack", "dkim", tech, raw, note=note)


def cat_authres(ctx, out):
    split = ctx.split
    bl = {b.name: b for b in ctx.brands}
    cases = ["below-received-unsigned"] + (["below-received-failing-signature"] if split == "held" else [])
    for i, tech in enumerate(cases):
        r = ctx.r("authres", tech)
        bname, addr, sdom = BRAND_MAIL[split][i]
        b = bl[bname]
        att = ctx.attacker(r)
        date, _ = E.rfc_date(r)
        subj, text = lure(r, "rib", url_for(r, att))
        victim = ctx.victim(r)
        # what the attacker sent to the relay: a forged Authentication-Results among its own fields
        headers = [("Authentication-Results", "relay.eval.test; dkim=pass header.d=%s header.s=eval header.b=AbCdEf12; spf=pass smtp.mailfrom=%s" % (sdom, sdom)),
                   ("From", E.mailbox(b.name, addr, "Q")), ("To", victim), ("Subject", E.unstructured(subj, "Q")),
                   ("Date", date), ("Message-ID", E.message_id(r, sdom))]
        raw = E.message(headers, E.text_part(body_text(text), "plain", "utf-8", "8bit"))
        if tech == "below-received-failing-signature":
            ctx.keys.add("eval._domainkey." + sdom)
            raw = E.dkim_sign(raw, "eval", sdom)
            raw = raw.replace(b"Madame, Monsieur,", b"Madame, Monsieur, (mis a jour)")
        relay = ("Received: from mail.%s (mail.%s [203.0.113.77]) by relay.eval.test (Postfix) with ESMTP id 4RELAY%d for <%s>; %s\r\n"
                 % (att, att, i, victim, date))
        top = ("Received: from relay.eval.test (relay.eval.test [192.0.2.25]) by mx.eval.test (Postfix) with ESMTPS id 4MX%d for <%s>; %s\r\n"
               % (i, victim, date))
        raw = (top + relay).encode() + raw
        out.add(split, "attack", "authres", tech, raw,
                note="From %s; Authentication-Results of the trusted relay.eval.test below its own Received" % addr)


def cat_brand_pack(ctx, out):
    split = ctx.split
    if split == "dev":
        cases = [("assurance-maladie-combosquat", "Service remboursements", "noreply@assurance-maladie-remboursement.fr", "rib"),
                 ("cpam-combosquat", "Service des prestations", "contact@cpam-remboursement.fr", "regularisation"),
                 ("cpam-city", "Accueil", "accueil@cpam-paris.fr", "coordonnees"),
                 ("mon-espace-sante-hyphens", "Mon espace", "notification@mon-espace-sante.fr", "password"),
                 ("regularisation-combosquat", "Service paiements", "paiements@viamedis-regularisation.fr", "regularisation"),
                 ("assurance-maladie-staff-spoof", "Julie Martin", "julie.martin@assurance-maladie.fr", "rib"),
                 ("carte-vitale-display", "Carte Vitale", None, "coordonnees"),
                 ("assurance-maladie-link", None, "https://assurance-maladie-paiement.com/espace", "impayes")]
    else:
        cases = [("assurance-maladie-combosquat", "Cellule prestations", "ne-pas-repondre@assurancemaladie-securite.fr", "coordonnees"),
                 ("cpam-combosquat", "Gestion des comptes", "service@cpam-services.com", "impayes"),
                 ("cpam-city", "Accueil", "accueil@cpam-lyon.fr", "rib"),
                 ("mon-espace-sante-hyphens", "Notification", "notification@monespace-sante.com", "password"),
                 ("regularisation-combosquat", "Service paiements", "paiements@regularisation-ameli.fr", "regularisation"),
                 ("assurance-maladie-staff-spoof", "Thomas Garnier", "thomas.garnier@assurance-maladie.fr", "coordonnees"),
                 ("carte-vitale-display", "Service Carte Vitale", None, "password"),
                 ("assurance-maladie-link", None, "https://cpam-regularisation.fr/dossier", "regularisation"),
                 ("mon-espace-sante-link", None, "https://mon-espace-sante.com/connexion", "password")]
    for tech, disp, addr, lk in cases:
        r = ctx.r("pack", tech)
        if addr is None:
            addr = "%s@%s" % (r.choice(["noreply", "service"]), ctx.attacker(r))
        if addr.startswith("https://"):
            frm, dom = neutral_from(ctx, r)
            subj, text = lure(r, lk, addr)
            note = "link to %s" % addr
        else:
            frm = E.mailbox(disp, addr, "Q")
            subj, text = lure(r, lk, url_for(r, addr.split("@")[1]))
            note = "From %s <%s>" % (disp, addr)
        raw = assemble(ctx, r, frm, subj, body_text(text))
        out.add(split, "attack", "brand-pack", tech, raw, note="%s, lure %s" % (note, lk))


def sweep_domain(b, split, k):
    if split == "dev":
        return lookalike(b, split, k), "combosquat"
    kinds = ["idn-accent", "tld-swap", "prefix", "embedded"]
    kind = kinds[k % len(kinds)]
    if kind == "idn-accent":
        vowels = [i for i, c in enumerate(b.label) if c in "aeiou"]
        i = vowels[len(vowels) // 2] if vowels else 0
        acc = {"a": "à", "e": "é", "i": "ï", "o": "ô", "u": "ù"}.get(b.label[i], b.label[i])
        return E.to_ascii_domain(b.label[:i] + acc + b.label[i + 1:] + "." + b.domains[0].split(".", 1)[1]), kind
    if kind == "tld-swap":
        return b.label + (".com" if not b.domains[0].endswith(".com") else ".fr"), kind
    if kind == "prefix":
        return "espace-%s.fr" % b.label, kind
    return "%s.secure-paiement.net" % b.domains[0], kind


def cat_sweep(ctx, out):
    split = ctx.split
    for bi, b in enumerate(ctx.brands):
        for j in range(2):
            k = bi * 2 + j
            r = ctx.r("sweep", b.name, j)
            lk = LURE_KEYS[(k + (0 if split == "dev" else 2)) % len(LURE_KEYS)]
            look, kind = sweep_domain(b, split, k)
            url = "https://%s/%s" % (look, r.choice(["connexion", "maj", "espace"]))
            subj, text = lure(r, lk, url)
            if split == "dev":
                # the brand's name over a neutral address, and a link to a lookalike
                disp = ascii_name(r.choice(b.names)) if j else b.name
                frm = E.mailbox(disp, "noreply@%s" % ctx.attacker(r), "Q")
                tech = "display+link-%s/%s" % (kind, lk)
            else:
                # the lookalike as the sender's domain, a neutral display name
                frm = E.mailbox(r.choice(NEUTRAL[split]), "noreply@%s" % look, "Q")
                tech = "from-%s/%s" % (kind, lk)
            raw = assemble(ctx, r, frm, subj, body_text(text))
            out.add(split, "attack", "brand-sweep", tech, raw, note="%s: %s, lure %s" % (b.name, look, lk),
                    stem="sweep-%s-%d" % (b.label, j))


CATEGORIES = [cat_surfaces, cat_sender_domain, cat_local_part, cat_glued, cat_body, cat_links, cat_dkim,
              cat_authres, cat_brand_pack, cat_sweep]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--split", default="all", choices=["dev", "held", "all"])
    ap.add_argument("--seed", default="vigie-eval-1")
    a = ap.parse_args()
    out = E.SetWriter(a.out, "adversarial")
    keys = set()
    for split in E.wanted_splits(a.split):
        ctx = Ctx(split, a.seed)
        for c in CATEGORIES:
            c(ctx, out)
        keys |= ctx.keys
    out.close()
    out.write_file("test-keys", "\n".join(E.test_keys_lines(sorted(keys))) + "\n")
    out.write_file("vigie.conf", "# the adversarial set's settings: the relay whose Authentication-Results\n"
                                 "# the authres cases forge is trusted\nAuthservID mx.eval.test\nTrustedAuthservIDs relay.eval.test\n")
    print("adversarial: %s" % ", ".join("%s %d" % kv for kv in sorted(out.counts.items())))


if __name__ == "__main__":
    main()
