#!/usr/bin/python3
"""gen_ham - ordinary French mail between health professionals, suppliers,
patients, colleagues, accountants and unions: the "ham" evaluation set.

    /usr/bin/python3 tests/eval/gen_ham.py OUTDIR [--split dev|held|all]
                     [--count-dev N] [--count-held N] [--seed S]

Writes OUTDIR/ham/{dev,held}/*.eml, OUTDIR/ham/labels.tsv (every message is
class "ham": vigie must call none of them suspect or impersonation) and
OUTDIR/ham/test-keys (the DKIM keys of the signed messages, TestPublicKeys
format). Deterministic for a given seed.

dev and held are disjoint in people's names, towns, domains and free-mail
providers; some templates (marked HELD_ONLY) exist only in held.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib as E  # noqa: E402

FREEMAIL = {
    "dev": ["orange.fr", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr", "neuf.fr"],
    "held": ["wanadoo.fr", "gmail.com", "outlook.fr", "yahoo.fr", "bbox.fr", "icloud.com"],
}
# real e-mail service providers' tracking hosts (opaque tokens: no target in the URL)
ESP = {
    "dev": [("Brevo", "r.sendibt3.com", "/tr/cl/{tok}"),
            ("Mailchimp", "{org}.us21.list-manage.com", "/track/click?u={hex}&id={hex2}&e={hex3}")],
    "held": [("Mailjet", "{hex3}.mjt.lu", "/lnk/{tok}/1/{tok2}"),
             ("SendGrid", "u{num}.ct.sendgrid.net", "/ls/click?upn={tok}")],
}
STREETS = ["de la République", "Victor Hugo", "Jean Jaurès", "du Général de Gaulle", "Pasteur",
           "des Écoles", "de la Gare", "du Marché", "Gambetta", "Nationale", "des Lilas", "de Verdun",
           "Émile Zola", "de l'Église", "du Château", "Carnot", "Voltaire", "Jean Moulin",
           "des Tilleuls", "du Moulin", "Foch", "de la Liberté", "Saint-Michel", "des Acacias",
           "du Port", "Aristide Briand", "de Paris", "Jules Ferry", "de la Paix", "Marcel Pagnol"]
STREET_KINDS = ["rue", "rue", "rue", "avenue", "boulevard", "place", "allée", "chemin", "impasse", "cours"]
FORMS = ["SARL", "SAS", "SELARL", "EURL", "SELAS", "SCM", "SASU"]

# trade: (key, title m, title f, business-name formats, domain formats, vocabulary)
TRADES = [
    ("opticien", "Opticien", "Opticienne",
     ["Optique {Nom}", "{Nom} Optique", "Optique du Centre", "Lunetterie {Nom}", "Optique de la Gare"],
     ["optique-{nom}.fr", "{nom}-optique.fr", "optique-{ville}.fr", "opticien-{nom}.fr"],
     {"acte": "l'adaptation de vos lentilles", "objet": "vos lunettes", "stock": "verres progressifs",
      "piece": "l'ordonnance de votre ophtalmologiste", "fourn": ["verres", "montures", "lentilles"]}),
    ("pharmacien", "Pharmacien", "Pharmacienne",
     ["Pharmacie {Nom}", "Pharmacie du Centre", "Pharmacie de la Gare", "Grande Pharmacie de {Ville}",
      "Pharmacie des Halles"],
     ["pharmacie-{ville}.fr", "pharmacie-{nom}.fr", "pharmacie-du-centre-{ville}.fr", "grande-pharmacie-{ville}.fr"],
     {"acte": "la préparation de votre traitement", "objet": "votre commande", "stock": "vaccins antigrippaux",
      "piece": "votre ordonnance", "fourn": ["répartition", "parapharmacie", "matériel médical"]}),
    ("infirmier", "Infirmier", "Infirmière",
     ["Cabinet infirmier {Nom}", "Cabinet de soins infirmiers de {Ville}", "Cabinet infirmier du Centre"],
     ["cabinet-{nom}.fr", "infirmiers-{ville}.fr", "idel-{nom}.fr", "soins-infirmiers-{ville}.fr"],
     {"acte": "les soins à domicile", "objet": "le pansement", "stock": "pansements",
      "piece": "la prescription de votre médecin", "fourn": ["pansements", "matériel de soins"]}),
    ("kine", "Masseur-kinésithérapeute", "Masseuse-kinésithérapeute",
     ["Cabinet de kinésithérapie {Nom}", "Kinésithérapie {Nom}", "Cabinet de kiné du Parc"],
     ["kinesitherapie-{nom}.fr", "kine-{nom}.fr", "cabinet-kine-{ville}.fr", "kine-{ville}.fr"],
     {"acte": "vos séances de rééducation", "objet": "la séance", "stock": "bandes de strapping",
      "piece": "la prescription de séances", "fourn": ["matériel de rééducation", "tables de massage"]}),
    ("orthophoniste", "Orthophoniste", "Orthophoniste",
     ["Cabinet d'orthophonie {Nom}", "Cabinet d'orthophonie de {Ville}"],
     ["orthophonie-{nom}.fr", "{prenom}-{nom}-orthophoniste.fr", "orthophoniste-{ville}.fr"],
     {"acte": "le bilan orthophonique", "objet": "le bilan", "stock": "tests de langage",
      "piece": "la prescription du bilan", "fourn": ["tests et matériel", "livres"]}),
    ("dentiste", "Chirurgien-dentiste", "Chirurgienne-dentiste",
     ["Cabinet dentaire {Nom}", "Centre dentaire de {Ville}", "Cabinet dentaire des Lilas"],
     ["cabinet-dentaire-{nom}.fr", "dentiste-{nom}.fr", "dentaire-{ville}.fr"],
     {"acte": "le détartrage", "objet": "votre couronne", "stock": "composites",
      "piece": "votre devis", "fourn": ["prothèse dentaire", "fournitures dentaires"]}),
    ("audio", "Audioprothésiste", "Audioprothésiste",
     ["{Nom} Audition", "Audition {Nom}", "Centre auditif de {Ville}"],
     ["audition-{nom}.fr", "{nom}-audition.fr", "centre-auditif-{ville}.fr"],
     {"acte": "le réglage de vos appareils", "objet": "vos aides auditives", "stock": "piles 312",
      "piece": "l'ordonnance de votre ORL", "fourn": ["aides auditives", "piles et accessoires"]}),
    ("sagefemme", "Sage-femme", "Sage-femme",
     ["Cabinet de sage-femme {Nom}"],
     ["sage-femme-{nom}.fr", "{prenom}-{nom}-sagefemme.fr"],
     {"acte": "la préparation à la naissance", "objet": "la séance", "stock": "sondes de rééducation",
      "piece": "votre carnet de maternité", "fourn": ["matériel de consultation"]}),
    ("podologue", "Pédicure-podologue", "Pédicure-podologue",
     ["Cabinet de podologie {Nom}"],
     ["podologue-{nom}.fr", "podologie-{ville}.fr"],
     {"acte": "vos semelles orthopédiques", "objet": "vos semelles", "stock": "plaques de semelles",
      "piece": "la prescription de semelles", "fourn": ["matériaux de semelles"]}),
    ("labo", "Biologiste", "Biologiste",
     ["Laboratoire {Nom}", "Laboratoire de biologie de {Ville}"],
     ["labo-{nom}.fr", "labo-{ville}.fr", "laboratoire-{nom}.fr"],
     {"acte": "votre prise de sang", "objet": "vos résultats", "stock": "tubes de prélèvement",
      "piece": "l'ordonnance d'analyses", "fourn": ["réactifs", "tubes et aiguilles"]}),
    ("medecin", "Médecin généraliste", "Médecin généraliste",
     ["Cabinet médical {Nom}", "Maison de santé de {Ville}", "Cabinet médical du Centre"],
     ["cabinet-{nom}.fr", "msp-{ville}.fr", "docteur-{nom}.fr", "cabinet-medical-{ville}.fr"],
     {"acte": "la consultation", "objet": "votre certificat", "stock": "abaisse-langues",
      "piece": "votre carnet de vaccination", "fourn": ["matériel médical"]}),
]
TRADE = {t[0]: t for t in TRADES}
MUTUELLES = ["MGEN", "la MAAF", "Malakoff Humanis", "AG2R La Mondiale", "Groupama", "la Macif",
             "April", "Swiss Life", "la MNT", "Apicil", "Aésio", "la Mutuelle générale", "Alan"]
BRANDS_TALK = ["Viamedis", "Almerys", "Santéclair", "Itelis", "Kalixia", "SP Santé", "Carte Blanche",
               "Harmonie Mutuelle", "Sévéane", "Actil", "iSanté", "Oxantis", "Optistya", "la CPAM",
               "ameli", "amelipro"]
HELD_ONLY = {"cpts", "dpc", "rcpro", "forward-outlook", "brand-signed-esp", "tracking-url"}


def pick(r, seq):
    return seq[r.randrange(len(seq))]


class World:
    """People, firms and domains of one split."""

    def __init__(self, split, seed):
        self.split = split
        self.seed = seed
        firsts, lasts = E.load_names()
        self.firsts = [f for f in firsts if E.split_of(f[0]) == split]
        self.lasts = [l for l in lasts if E.split_of(l[0]) == split]
        self.cities = [c for c in E.load_cities() if E.split_of("ville " + c[0]) == split]
        self.freemail = FREEMAIL[split]
        self.esp = ESP[split]
        self.used_domains = set()
        self.signed = set()        # selector._domainkey.domain of the signed messages
        from faker.providers.address.fr_FR import Provider as A
        self.departments = [d for d in A.departments if E.split_of("dept " + d[1]) == split]

    def name(self, r):
        f, g, _ = pick(r, self.firsts)
        l, _ = pick(r, self.lasts)
        return f, l, g

    def street(self, r, city):
        town, code = city
        return "%d %s %s, %s %s" % (r.randint(1, 140), pick(r, STREET_KINDS), pick(r, STREETS), code, town)

    def phone(self, r):
        return "0%d %02d %02d %02d %02d" % (r.choice([1, 2, 3, 4, 5, 9, 6, 7]), r.randrange(100),
                                            r.randrange(100), r.randrange(100), r.randrange(100))

    def domain(self, r, fmt, first, last, town, idn=False):
        f = E.idn_slug if idn else E.slug
        d = fmt.format(nom=f(last), prenom=f(first), ville=f(town))
        self.used_domains.add(d)
        return d


class Actor:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def box(self, enc="Q", charset="utf-8"):
        return E.mailbox(self.display, self.address, enc, charset)


def person_local(r, first, last, freemail):
    f, l = E.slug(first).replace("-", ""), E.slug(last).replace("-", "")
    if freemail:
        return pick(r, ["%s.%s" % (f, l), "%s.%s" % (l, f), "%s%s" % (f, l), "%s.%s%d" % (f, l, r.randrange(10, 99)),
                        "%s_%s" % (f, l), "%s.%s" % (f[0], l), "%s%s%d" % (f[0], l, r.randrange(1950, 2005))])
    return pick(r, ["%s" % f, "%s.%s" % (f, l), "%s.%s" % (f[0], l), "contact"])


def make_pro(w, r, trade=None):
    trade = TRADE[trade] if trade else pick(r, TRADES)
    key, tm, tf, bfmts, dfmts, vocab = trade
    first, last, g = w.name(r)
    city = pick(r, w.cities)
    bname = pick(r, bfmts).format(Nom=last, Ville=city[0])
    form = pick(r, FORMS)
    roll = r.random()
    idn = False
    if roll < 0.30:
        domain = pick(r, w.freemail)
        local = person_local(r, first, last, True)
        kind = "freemail"
    elif roll < 0.45:
        idn = r.random() < 0.25 and (E.idn_slug(first) != E.slug(first) or E.idn_slug(last) != E.slug(last))
        domain = w.domain(r, "{prenom}-{nom}.fr", first, last, city[0], idn)
        local = person_local(r, first, last, False)
        kind = "own"
    else:
        fmt = pick(r, dfmts)
        idn = r.random() < 0.12 and any(E.idn_slug(x) != E.slug(x) for x in (first, last, city[0]))
        domain = w.domain(r, fmt, first, last, city[0], idn)
        local = pick(r, ["contact", "accueil", "secretariat", E.slug(first).replace("-", "."),
                         "%s.%s" % (E.slug(first).replace("-", ""), E.slug(last).replace("-", "")),
                         {"pharmacien": "officine", "labo": "resultats", "opticien": "magasin"}.get(key, "cabinet")])
        kind = "business"
    ascii_domain = E.to_ascii_domain(domain) if idn else domain
    display = pick(r, ["%s %s" % (first, last), "%s %s" % (first, last), bname, "%s %s - %s" % (first, last, bname)]) \
        if kind != "freemail" else pick(r, ["%s %s" % (first, last), "%s %s" % (first, last.upper()), "%s %s" % (last, first)])
    return Actor(role="pro", trade=key, title=tf if g == "f" else tm, vocab=vocab, first=first, last=last,
                 gender=g, city=city, bname=bname, form=form, domain=domain, ascii_domain=ascii_domain,
                 address="%s@%s" % (local, ascii_domain), display=display, kind=kind, idn=idn,
                 street=w.street(r, city), phone=w.phone(r),
                 siret="%03d %03d %03d %05d" % (r.randrange(100, 999), r.randrange(1000), r.randrange(1000), r.randrange(100000)))


def make_patient(w, r):
    first, last, g = w.name(r)
    city = pick(r, w.cities)
    if r.random() < 0.85:
        domain = pick(r, w.freemail)
        local = person_local(r, first, last, True)
    else:
        domain = w.domain(r, "{prenom}-{nom}.fr", first, last, city[0])
        local = E.slug(first).replace("-", "")
    return Actor(role="patient", first=first, last=last, gender=g, city=city, domain=domain, ascii_domain=domain,
                 address="%s@%s" % (local, domain), display=pick(r, ["%s %s" % (first, last), "%s %s" % (first, last), ""]),
                 phone=w.phone(r), idn=False, kind="patient")


SUPPLIER_FMTS = ["{Nom} Médical", "Distrimed {Ville}", "{Nom} Distribution", "Laboratoire {Nom}",
                 "{Nom} & Fils", "Optic Labo {Ville}", "{Nom} Santé Distribution", "Logiciels {Nom}",
                 "Répartition {Ville}", "{Nom} Équipement"]


def make_supplier(w, r, what=None):
    first, last, g = w.name(r)
    city = pick(r, w.cities)
    name = pick(r, SUPPLIER_FMTS).format(Nom=last, Ville=city[0])
    d = E.slug(name.replace("&", "et"))
    domain = pick(r, [d + ".fr", d + ".com", d + ".fr", d.replace("-", "") + ".fr"])
    w.used_domains.add(domain)
    form = pick(r, ["SAS", "SARL", "SA", "SAS", "EURL"])
    contact = "%s %s" % (first, last)
    return Actor(role="supplier", name=name, form=form, first=first, last=last, gender=g, city=city,
                 domain=domain, ascii_domain=domain, display=pick(r, [name, contact, "%s - %s" % (contact, name), "Service facturation %s" % name]),
                 address="%s@%s" % (pick(r, ["facturation", "compta", "commandes", "contact", "adv", E.slug(first).replace("-", "") + "." + E.slug(last).replace("-", "")]), domain),
                 street=w.street(r, city), phone=w.phone(r), what=what, idn=False, kind="supplier",
                 siret="%03d %03d %03d %05d" % (r.randrange(100, 999), r.randrange(1000), r.randrange(1000), r.randrange(100000)))


def make_accountant(w, r):
    first, last, g = w.name(r)
    city = pick(r, w.cities)
    name = pick(r, ["Cabinet {Nom} Expertise Comptable", "{Nom} & Associés", "Fiduciaire {Nom}",
                    "Cabinet comptable de {Ville}"]).format(Nom=last, Ville=city[0])
    domain = pick(r, ["{nom}-expertise.fr", "cabinet-{nom}-{ville}.fr", "expert-comptable-{nom}.fr", "fiduciaire-{nom}.fr"])
    domain = w.domain(r, domain, first, last, city[0])
    return Actor(role="accountant", name=name, first=first, last=last, gender=g, city=city, domain=domain,
                 ascii_domain=domain, display="%s %s" % (first, last), idn=False, kind="accountant",
                 address="%s.%s@%s" % (E.slug(first).replace("-", ""), E.slug(last).replace("-", ""), domain),
                 street=w.street(r, city), phone=w.phone(r))


def make_union(w, r, trade):
    code, dept = pick(r, w.departments)
    tname = {"opticien": "opticiens", "pharmacien": "pharmaciens", "infirmier": "infirmiers",
             "kine": "kinésithérapeutes", "orthophoniste": "orthophonistes", "dentiste": "chirurgiens-dentistes",
             "audio": "audioprothésistes"}.get(trade, "professionnels de santé")
    name = pick(r, ["Syndicat des %s de %s" % (tname, dept), "Union des %s %s" % (tname, code),
                    "Chambre syndicale des %s (%s)" % (tname, code)])
    domain = "syndicat-%s-%s.fr" % (E.slug(tname), E.slug(dept))
    w.used_domains.add(domain)
    first, last, g = w.name(r)
    return Actor(role="union", name=name, first=first, last=last, gender=g, domain=domain, ascii_domain=domain,
                 display=pick(r, [name, "%s %s (%s)" % (first, last, name)]), idn=False, kind="union",
                 address=pick(r, ["bureau", "contact", "secretariat", "info"]) + "@" + domain, dept=dept, code=code)


# --- bits of text ------------------------------------------------------------

def hello(r, b, formal=None):
    formal = r.random() < 0.5 if formal is None else formal
    if b is None or not getattr(b, "first", None):
        return "Bonjour,"
    if formal:
        civ = "Madame" if b.gender == "f" else "Monsieur"
        return pick(r, ["Bonjour %s %s," % (civ, b.last), "%s," % civ, "Bonjour %s," % civ, "Madame, Monsieur,"])
    return pick(r, ["Bonjour %s," % b.first, "Salut %s," % b.first, "Bonjour %s !" % b.first, "Hello %s," % b.first,
                    "Coucou %s," % b.first])


def bye(r, a, formal=None):
    formal = r.random() < 0.5 if formal is None else formal
    if formal:
        s = pick(r, ["Cordialement,", "Bien cordialement,", "Bien à vous,", "Avec mes salutations distinguées,",
                     "Je vous prie d'agréer mes salutations distinguées."])
    else:
        s = pick(r, ["Bonne journée,", "À bientôt,", "Bises,", "Merci et bonne soirée,", "Bonne fin de semaine,",
                     "Amicalement,", "À+"])
    return s + "\n" + signature(r, a)


def signature(r, a):
    lines = ["%s %s" % (a.first, a.last) if getattr(a, "first", None) else a.display]
    if a.role == "pro":
        lines.append(a.title)
        lines.append("%s %s" % (a.bname, a.form) if r.random() < 0.5 else a.bname)
        lines.append(a.street)
        lines.append("Tél. %s" % a.phone)
        if a.kind in ("business", "own") and r.random() < 0.5:
            lines.append("www.%s" % a.domain)
        if r.random() < 0.3:
            lines.append("SIRET %s" % a.siret)
    elif a.role in ("supplier",):
        lines.append("%s %s" % (a.name, a.form))
        lines.append(a.street)
        lines.append("Tél. %s - www.%s" % (a.phone, a.domain))
    elif a.role == "accountant":
        lines.append("Expert-comptable, " + a.name)
        lines.append(a.street)
    elif a.role == "union":
        lines = [a.display]
    if r.random() < 0.15:
        return "-- \n" + "\n".join(lines)
    return "\n".join(lines)


def day(r):
    return "%s %d %s" % (pick(r, ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]), r.randint(1, 28),
                         pick(r, ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre",
                                  "octobre", "novembre", "décembre"]))


def hour(r):
    return "%dh%s" % (r.randint(8, 18), pick(r, ["", "15", "30", "45"]))


def money(r, lo=20, hi=3000):
    v = r.uniform(lo, hi)
    return ("%.2f" % v).replace(".", ",") + " €"


def iban(r):
    bank = "%05d%05d%011d%02d" % (r.randrange(10000, 40000), r.randrange(100000), r.randrange(10 ** 11), r.randrange(100))
    num = int(bank + "1527" + "00")       # FR = 15 27, check digits 00
    check = 98 - num % 97
    s = "FR%02d%s" % (check, bank)
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


# --- templates -----------------------------------------------------------------
# Each returns a dict: subject, text, and optionally html, attachments
# [(filename, pdf lines)], headers [(name, value)], links [urls], note.

def t_rdv(w, r):
    pro = make_pro(w, r)
    pat = make_patient(w, r)
    v = r.randrange(5)
    if v == 0:
        a, b = pat, pro
        subj = pick(r, ["Demande de rendez-vous", "Rendez-vous", "Prise de rendez-vous", "RDV"])
        text = "%s\n\nJe souhaiterais prendre rendez-vous pour %s. Je suis disponible %s ou %s après %s.\n\n%s\n\n%s" % (
            hello(r, None), pro.vocab["acte"], day(r), day(r), hour(r),
            pick(r, ["Ma carte Vitale est à jour et ma mutuelle est %s." % pick(r, MUTUELLES),
                     "J'apporterai %s." % pro.vocab["piece"], "Merci de me dire si c'est possible.",
                     "Je peux aussi venir entre midi et deux si cela vous arrange."]),
            bye(r, pat, True))
    elif v == 1:
        a, b = pro, pat
        subj = pick(r, ["Confirmation de votre rendez-vous", "Votre rendez-vous du %s" % day(r), "Rappel : rendez-vous"])
        text = "%s\n\nVotre rendez-vous pour %s est confirmé le %s à %s, au %s.\n\nPensez à apporter %s et votre carte Vitale. En cas d'empêchement, merci de nous prévenir 24 heures à l'avance au %s.\n\n%s" % (
            hello(r, pat, True), pro.vocab["acte"], day(r), hour(r), pro.street, pro.vocab["piece"], pro.phone, bye(r, pro, True))
    elif v == 2:
        a, b = pat, pro
        subj = pick(r, ["Annulation rendez-vous", "Report de mon rendez-vous", "Empêchement"])
        text = "%s\n\nJe suis désolé%s mais je ne pourrai pas venir à mon rendez-vous de %s %s. Serait-il possible de le décaler à la semaine prochaine ?\n\n%s" % (
            hello(r, pro, True), "e" if pat.gender == "f" else "", day(r), hour(r), bye(r, pat, True))
    elif v == 3:
        a, b = pro, pat
        subj = pick(r, ["Vos %s sont prêts" % ("lunettes" if pro.trade == "opticien" else "documents"), "Votre commande est arrivée", "Disponible"])
        text = "%s\n\n%s est disponible au %s. Vous pouvez passer du lundi au samedi de 9h à 19h.\n\nLe tiers payant a été fait avec votre mutuelle, il ne reste rien à régler%s.\n\n%s" % (
            hello(r, pat, True), pro.vocab["objet"].capitalize(), pick(r, ["magasin", "cabinet", "comptoir"]),
            pick(r, ["", " (votre mutuelle est %s)" % pick(r, MUTUELLES), ", ou un reste à charge de %s" % money(r, 5, 80)]),
            bye(r, pro, True))
    else:
        a, b = pat, pro
        subj = pick(r, ["Question remboursement", "Remboursement", "Question sur la facture"])
        text = "%s\n\nJ'ai bien reçu la facture pour %s. La Sécurité sociale a remboursé sa part mais je n'ai encore rien reçu de ma mutuelle (%s). Est-ce que le tiers payant a bien été transmis ? Je vous joins mon attestation de mutuelle si besoin.\n\n%s" % (
            hello(r, pro, True), pro.vocab["objet"], pick(r, MUTUELLES), bye(r, pat, True))
    return dict(a=a, b=b, subject=subj, text=text)


def invoice_pdf(r, sup, pro, num, amount, rib):
    return [sup.name + " " + sup.form, sup.street, "SIRET " + sup.siret, "", "FACTURE " + num,
            "Client : " + pro.bname, "Montant TTC : " + amount.replace("€", "EUR"), "",
            "Reglement par virement a 30 jours", "IBAN " + rib]


def t_facture(w, r):
    pro = make_pro(w, r)
    sup = make_supplier(w, r)
    num = "F%d-%05d" % (r.choice([2024, 2025]), r.randrange(100000))
    amount = money(r, 40, 8000)
    rib = iban(r)
    v = r.randrange(4)
    if v == 0:
        subj = pick(r, ["Facture %s" % num, "Votre facture n° %s" % num, "Facture %s - %s" % (num, sup.name)])
        text = "%s\n\nVeuillez trouver ci-joint la facture n° %s du %s d'un montant de %s TTC, payable à 30 jours fin de mois.\n\nNotre RIB figure en bas de facture (IBAN %s).\n\n%s" % (
            hello(r, pro, True), num, day(r), amount, rib, bye(r, sup, True))
    elif v == 1:
        subj = pick(r, ["Relance facture %s" % num, "Facture %s impayée" % num, "Rappel : échéance dépassée"])
        text = "%s\n\nSauf erreur de notre part, la facture n° %s de %s, échue le %s, reste impayée. Merci de procéder au règlement par virement sur le compte habituel ou de nous indiquer si le paiement est déjà parti.\n\nSi votre règlement a croisé ce message, merci de ne pas en tenir compte.\n\n%s" % (
            hello(r, pro, True), num, amount, day(r), bye(r, sup, True))
    elif v == 2:
        subj = pick(r, ["Changement de coordonnées bancaires", "Nouveau RIB %s" % sup.name, "Information : changement de banque"])
        text = "%s\n\nNous vous informons que %s a changé de banque au 1er du mois. Vous trouverez notre nouveau RIB en pièce jointe ; merci de mettre à jour vos fichiers fournisseurs. Pour toute question, notre service comptable reste joignable au %s.\n\n%s" % (
            hello(r, pro, True), sup.name, sup.phone, bye(r, sup, True))
    else:
        a, b = pro, sup
        subj = pick(r, ["Règlement facture %s" % num, "Virement effectué", "RE: facture %s" % num])
        text = "%s\n\nLe virement de %s pour la facture %s est parti ce matin. Pouvez-vous me renvoyer la facture avec le bon numéro de commande ? Le RIB que j'ai utilisé est celui de votre dernière facture.\n\n%s" % (
            hello(r, sup, r.random() < 0.6), amount, num, bye(r, pro))
        return dict(a=a, b=b, subject=subj, text=text)
    att = []
    if r.random() < 0.65:
        fn = pick(r, ["Facture_%s.pdf" % num, "facture-%s.pdf" % num.lower(), "Facture n° %s.pdf" % num, "RIB_%s.pdf" % E.slug(sup.name)])
        att.append((fn, invoice_pdf(r, sup, pro, num, amount, rib)))
    return dict(a=sup, b=pro, subject=subj, text=text, attachments=att)


def t_commande(w, r):
    pro = make_pro(w, r)
    sup = make_supplier(w, r)
    item = pro.vocab["stock"]
    v = r.randrange(3)
    if v == 0:
        subj = pick(r, ["Commande", "Commande %s" % item, "Bon de commande n° %d" % r.randrange(1000, 9999)])
        text = "%s\n\nPourriez-vous nous livrer %d boîtes de %s avant %s ? Même référence que la dernière fois. La livraison peut se faire à l'adresse habituelle : %s.\n\n%s" % (
            hello(r, sup, r.random() < 0.5), r.randint(2, 40), item, day(r), pro.street, bye(r, pro))
        return dict(a=pro, b=sup, subject=subj, text=text)
    if v == 1:
        subj = pick(r, ["Confirmation de commande", "Expédition de votre commande", "Votre commande est en route"])
        text = "%s\n\nVotre commande de %s a été expédiée ce jour par transporteur. Numéro de suivi : %d. Livraison prévue %s.\n\n%s" % (
            hello(r, pro, True), item, r.randrange(10 ** 9, 10 ** 10), day(r), bye(r, sup, True))
        return dict(a=sup, b=pro, subject=subj, text=text)
    subj = pick(r, ["Rupture de stock", "Retard de livraison", "Produit indisponible"])
    text = "%s\n\nNous sommes en rupture sur les %s jusqu'à %s. Nous pouvons vous proposer une référence équivalente au même tarif. Merci de nous dire si cela vous convient.\n\n%s" % (
        hello(r, pro, True), item, day(r), bye(r, sup, True))
    return dict(a=sup, b=pro, subject=subj, text=text)


def t_compta(w, r):
    pro = make_pro(w, r)
    acc = make_accountant(w, r)
    v = r.randrange(4)
    if v == 0:
        subj = pick(r, ["Pièces comptables", "Clôture %d" % r.choice([2023, 2024]), "Documents pour le bilan"])
        text = "%s\n\nPour la clôture de l'exercice, merci de me transmettre les relevés bancaires de décembre, les factures fournisseurs du dernier trimestre et l'état des honoraires encaissés.\n\n%s\n\n%s" % (
            hello(r, pro, True),
            pick(r, ["Pour les encaissements de tiers payant, le relevé de paiements suffit.",
                     "Pensez aussi aux relevés de télétransmission.", "Je passerai au %s la semaine prochaine si c'est plus simple." % pick(r, ["cabinet", "magasin", "bureau"])]),
            bye(r, acc, True))
        return dict(a=acc, b=pro, subject=subj, text=text)
    if v == 1:
        subj = pick(r, ["TVA du trimestre", "Déclaration de TVA", "Acompte d'impôt"])
        text = "%s\n\nLa déclaration de TVA du trimestre est prête : %s à payer avant le %s. Le prélèvement se fera sur le compte professionnel habituel, vous n'avez rien à faire.\n\n%s" % (
            hello(r, pro, True), money(r, 100, 4000), day(r), bye(r, acc, True))
        return dict(a=acc, b=pro, subject=subj, text=text)
    if v == 2:
        subj = pick(r, ["Question rapprochement bancaire", "Virements non identifiés", "Rapprochement %s" % pick(r, ["janvier", "mars", "juin", "octobre"])])
        brand = pick(r, BRANDS_TALK[:10])
        text = "%s\n\nEn faisant le rapprochement, je vois plusieurs virements de %s que je n'arrive pas à rattacher à des factures (%s et %s). Pouvez-vous m'envoyer le détail des paiements tiers payant du mois ?\n\n%s" % (
            hello(r, pro, True), brand, money(r), money(r), bye(r, acc, True))
        return dict(a=acc, b=pro, subject=subj, text=text, note="brand named in an accountant's question")
    subj = pick(r, ["Re: pièces comptables", "Documents envoyés", "Relevés"])
    text = "%s\n\nVoici les relevés demandés. Il manque juste celui de novembre, la banque doit me le renvoyer. Les remboursements de %s et %s apparaissent sous le libellé « VIR SEPA » sur le relevé.\n\n%s" % (
        hello(r, acc, False), pick(r, BRANDS_TALK), pick(r, BRANDS_TALK), bye(r, pro))
    att = [("Releves_%s.pdf" % pick(r, ["T1", "T2", "T3", "T4"]), ["Releve de compte", pro.bname, "Solde : " + money(r).replace("€", "EUR")])]
    return dict(a=pro, b=acc, subject=subj, text=text, attachments=att)


TP_LINES = [
    "{B} n'a pas encore payé les factures de {mois}, tu as eu le même souci ?",
    "Je n'arrive plus à me connecter à mon portail {B} depuis ce matin, le site doit être en maintenance.",
    "{B} a rejeté trois dossiers pour un motif que je ne comprends pas, je les renverrai lundi.",
    "Les virements {B} arrivent avec quinze jours de retard en ce moment.",
    "Pour {B}, les prises en charge passent maintenant toutes par le portail, plus de fax.",
    "J'ai reçu le relevé de paiements {B} : tout est bon pour {mois}.",
    "Tu sais si {B} rembourse les {acte} sans accord préalable ?",
    "{B} demande maintenant la facture détaillée avec chaque prise en charge.",
    "Depuis la fuite de données de février, j'ai changé tous mes mots de passe, {B} compris, par précaution.",
    "Le numéro d'assistance de {B} ne répond jamais avant 10h.",
    "On a eu {n} rejets {B} cette semaine, toujours le même code erreur.",
    "Chez {B} ils m'ont dit que le paiement partirait en fin de semaine.",
]


def t_tiers_payant(w, r):
    a = make_pro(w, r)
    b = make_pro(w, r, a.trade)
    mois = pick(r, ["janvier", "février", "mars", "avril", "mai", "juin", "septembre", "octobre", "novembre"])
    lines = [pick(r, TP_LINES).format(B=pick(r, BRANDS_TALK), mois=mois, acte=a.vocab["acte"], n=r.randint(2, 9))
             for _ in range(r.randint(1, 3))]
    subj = pick(r, ["Tiers payant", "Question tiers payant", "Paiements %s" % pick(r, BRANDS_TALK[:8]), "Rejets", "Retards de paiement",
                    "Portail %s" % pick(r, BRANDS_TALK[:8]), "Petite question"])
    text = "%s\n\n%s\n\n%s\n\n%s" % (hello(r, b, False), " ".join(lines),
                                     pick(r, ["Dis-moi si tu as des nouvelles.", "On en parle jeudi à la réunion ?",
                                              "Bon courage pour la fin de semaine.", "Merci d'avance pour ton retour."]),
                                     bye(r, a, False))
    return dict(a=a, b=b, subject=subj, text=text)


NOTICES = {
    "viamedis": ("Viamedis", "noreply@viamedis.fr", "Information importante concernant la sécurité de vos données",
                 "Madame, Monsieur,\n\nViamedis a été victime d'une cyberattaque ayant entraîné l'accès à des données de professionnels de santé. Nous avons immédiatement pris les mesures nécessaires et déposé plainte.\n\nPar précaution, nous vous recommandons de modifier votre mot de passe Viamedis.net et de rester vigilants face aux messages inhabituels. Viamedis ne vous demandera jamais vos coordonnées bancaires ni vos identifiants par courriel.\n\nPlus d'informations sur https://www.viamedis.net\n\nL'équipe Viamedis",
                 "dev"),
    "ameli": ("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "Votre relevé mensuel de paiements est disponible",
              "Madame, Monsieur,\n\nVotre relevé mensuel de paiements est disponible dans votre espace amelipro, rubrique « Activités ».\n\nPour le consulter, rendez-vous sur https://espacepro.ameli.fr\n\nCe message est envoyé automatiquement, merci de ne pas y répondre.\n\nVotre caisse d'Assurance Maladie",
              "dev"),
    "ameli2": ("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "Nouveautés de la facturation en tiers payant",
               "Madame, Monsieur,\n\nÀ compter du 1er juillet, les factures transmises en mode dégradé devront être accompagnées de la copie de l'ordonnance numérisée (SCOR). Retrouvez toutes les informations sur https://www.ameli.fr/pharmacien\n\nVotre caisse d'Assurance Maladie",
               "dev"),
    "almerys": ("Almerys", "information@almerys.com", "Incident de cybersécurité : information des professionnels de santé",
                "Madame, Monsieur,\n\nAlmerys a détecté un accès non autorisé à son système d'information. Les données de certains professionnels de santé ont pu être consultées. Aucune donnée bancaire ne vous sera demandée par Almerys par courriel ou par téléphone.\n\nNous vous conseillons de changer votre mot de passe et de signaler tout message suspect.\n\nhttps://www.almerys.com\n\nAlmerys",
                "held"),
    "santeclair": ("Santéclair", "partenaires@santeclair.fr", "Évolution de la grille tarifaire du réseau",
                   "Chers partenaires,\n\nLa nouvelle grille tarifaire du réseau Santéclair entrera en vigueur le 1er janvier. Elle est consultable dans votre espace partenaire sur https://www.santeclair.fr\n\nL'équipe Relations partenaires",
                   "held"),
    "itelis": ("Itelis", "reseau@itelis.fr", "Itelis : information sur l'incident de novembre",
               "Madame, Monsieur,\n\nItelis a subi un incident de sécurité en novembre. Par mesure de précaution, nous vous invitons à rester vigilants : nous ne vous demanderons jamais de communiquer votre RIB ou vos identifiants par message.\n\nhttps://www.itelis.fr\n\nItelis",
               "held"),
    "harmonie": ("Harmonie Mutuelle", "partenaires@harmonie-mutuelle.fr", "Tiers payant : rappel des bonnes pratiques",
                 "Madame, Monsieur,\n\nNous vous rappelons que les demandes de prise en charge se font exclusivement en ligne. Retrouvez le guide sur https://www.harmonie-mutuelle.fr\n\nHarmonie Mutuelle",
                 "held"),
}


def t_forward(w, r, outlook=False):
    a = make_pro(w, r)
    b = make_pro(w, r, a.trade)
    keys = [k for k, v in NOTICES.items() if v[4] == w.split]
    disp, addr, osubj, body, _ = NOTICES[pick(r, keys)]
    if r.random() < 0.25 and "https://" in body:
        # Gmail rewrote the link when the message went through a web client
        from urllib.parse import quote as pq
        url = body.split("https://", 1)[1].split()[0]
        body = body.replace("https://" + url, "https://www.google.com/url?q=%s&sa=D&source=editors" % pq("https://" + url, safe=""))
    date = "%s à %s" % (day(r), hour(r))
    if outlook:
        head = "-----Message d'origine-----\nDe : %s <%s>\nEnvoyé : %s\nÀ : %s\nObjet : %s" % (disp, addr, date, a.address, osubj)
        subj = "TR: " + osubj
    else:
        head = "---------- Message transféré ---------\nDe : %s <%s>\nDate : %s\nObjet : %s\nÀ : <%s>" % (disp, addr, date, osubj, a.address)
        subj = pick(r, ["Fwd: ", "Fw: ", "TR: "]) + osubj
    intro = pick(r, ["Tu as reçu ça aussi ?", "Pour info, reçu ce matin.", "Je te transfère, c'est bien officiel je pense.",
                     "À lire, ça concerne tout le monde.", "FYI"])
    text = "%s\n\n%s\n\n%s\n\n%s\n\n%s" % (hello(r, b, False), intro, bye(r, a, False), head, body)
    return dict(a=a, b=b, subject=subj, text=text, note="forward of %s" % disp)


LOOKALIKES = {"dev": ["viamedis-securite.fr", "ameli-remboursement.com", "viamedis.fr.secure-ps.com", "vaimedis.fr",
                      "ameli-mescompte.com", "viamedis-paiement.com"],
              "held": ["almerys-paiement.com", "santeclair-pro.net", "espace-itelis.fr", "amelipro-securite.com",
                       "kalixia-remboursement.fr", "almerys.fr.verif-compte.com"]}


def t_warning(w, r):
    a = make_pro(w, r)
    b = make_pro(w, r, a.trade)
    look = pick(r, LOOKALIKES[w.split])
    text = "%s\n\n%s\n\n%s\n\n%s" % (
        hello(r, b, False),
        pick(r, ["Attention, j'ai reçu ce matin un mail envoyé depuis %s qui demande de mettre à jour notre RIB sous 48 heures. C'est évidemment une arnaque, ne cliquez sur rien." % look,
                 "Méfie-toi : un faux message circule, l'adresse de l'expéditeur se termine par %s. Ils demandent le RIB et l'identifiant du portail." % look,
                 "Pour info, la pharmacie d'à côté a failli se faire avoir par un mail de %s qui réclamait un nouveau RIB. Je l'ai signalé sur Pharos." % look]),
        pick(r, ["Le vrai site n'a rien à voir.", "Je préviens tout le monde au cabinet.", "Ne réponds surtout pas."]),
        bye(r, a, False))
    return dict(a=a, b=b, subject=pick(r, ["Attention arnaque", "Faux mail", "Phishing !", "Méfiance", "Mail frauduleux à ne pas ouvrir"]),
                text=text, note="plain-text quote of the lookalike %s" % look)


def t_union(w, r):
    pro = make_pro(w, r)
    u = make_union(w, r, pro.trade)
    v = r.randrange(3)
    if v == 0:
        subj = pick(r, ["Cyberattaque des plateformes de tiers payant : nos conseils", "Fuite de données : que faire ?", "Sécurité : rappel"])
        text = "Chers confrères,\n\nSuite aux cyberattaques qui ont touché Viamedis et Almerys, nous vous conseillons de changer vos mots de passe Viamedis.net et de messagerie, de ne pas ouvrir les messages d'expéditeurs inconnus ni cliquer sur leurs liens, de vérifier que l'adresse de l'expéditeur est bien celle qu'utilise habituellement la plateforme, et de prévenir votre banque que votre RIB a pu être dérobé.\n\n%s" % signature(r, u)
    elif v == 1:
        subj = pick(r, ["Assemblée générale du %s" % day(r), "Convocation AG", "Réunion départementale"])
        text = "Chers confrères,\n\nL'assemblée générale se tiendra le %s à %s à %s. À l'ordre du jour : négociations conventionnelles, délais de paiement du tiers payant, formation continue.\n\nMerci de confirmer votre présence.\n\n%s" % (
            day(r), hour(r), pro.city[0], signature(r, u))
    else:
        subj = pick(r, ["Cotisation %d" % r.choice([2024, 2025]), "Appel de cotisation", "Adhésion"])
        text = "Chère consœur, cher confrère,\n\nL'appel de cotisation annuelle est en pièce jointe (%s). Le règlement peut se faire par chèque ou par virement ; les coordonnées bancaires du syndicat figurent sur l'appel.\n\n%s" % (
            money(r, 80, 400), signature(r, u))
        return dict(a=u, b=pro, subject=subj, text=text, attachments=[("Appel_cotisation.pdf", [u.name, "Appel de cotisation"])])
    return dict(a=u, b=pro, subject=subj, text=text)


def esp_url(w, r, sup, esp=None):
    name, host, path = esp or pick(r, w.esp)
    tok = "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(40))
    hx = lambda n: "".join(r.choice("0123456789abcdef") for _ in range(n))
    return "https://" + host.format(org=E.slug(sup.name)[:12], hex3=hx(10), num=r.randrange(10 ** 6, 10 ** 7)) + \
        path.format(tok=tok, tok2=tok[::-1], hex=hx(25), hex2=hx(10), hex3=hx(10))


def t_newsletter(w, r, tracking_url=False):
    pro = make_pro(w, r)
    sup = make_supplier(w, r)
    theme = pick(r, ["Nouveautés du mois", "Offres de printemps", "Salon professionnel", "Formation", "Nouvelle collection"])
    subj = pick(r, ["%s - %s" % (sup.name, theme), theme, "La lettre %s n° %d" % (sup.name, r.randrange(10, 200))])
    links = []
    items = []
    esp = pick(r, w.esp)
    for i in range(r.randint(2, 4)):
        target = "https://www.%s/%s" % (sup.domain, pick(r, ["promo", "catalogue", "formation", "salon", "produits/%d" % r.randrange(1000)]))
        if tracking_url:
            from urllib.parse import quote as pq
            href = "https://trk.%s/redirect?url=%s&cid=%d" % (pick(r, ["emailing-sante.fr", "routage-pro.fr"]), pq(target, safe=""), r.randrange(10 ** 6))
        else:
            href = esp_url(w, r, sup, esp)
        links.append(href)
        label = pick(r, ["Découvrir", "En savoir plus", "www.%s" % sup.domain, "Voir le catalogue", "Je m'inscris"])
        items.append((pick(r, ["Pour améliorer le confort de vos patients", "Une amélioration attendue de nos délais",
                                "Nos nouvelles références", "Inscrivez-vous à notre webinaire", "Carte blanche à nos experts : trois conseils pour la rentrée",
                                "Les prix baissent sur %s" % pick(r, pro.vocab["fourn"])]), label, href))
    unsub = esp_url(w, r, sup, esp)
    html_items = "\n".join('<tr><td style="padding:12px"><h2>%s</h2><p><a href="%s" style="color:#0066cc">%s</a></p></td></tr>'
                           % (E.html.escape(t), E.html.escape(h), E.html.escape(l)) for t, l, h in items)
    htm = E.html_doc('<table width="600" align="center"><tr><td><img src="https://img.%s/logo.png" alt="%s" width="200"></td></tr>\n%s\n'
                     '<tr><td style="font-size:11px;color:#888">Vous recevez ce message car vous êtes client de %s. '
                     '<a href="%s">Se désinscrire</a></td></tr></table>' % (sup.domain, E.html.escape(sup.name), html_items,
                                                                              E.html.escape(sup.name), E.html.escape(unsub)), subj)
    text = "%s\n\n" % subj + "\n\n".join("%s\n%s : %s" % (t, l, h) for t, l, h in items) + \
        "\n\nSe désinscrire : %s\n" % unsub
    sender = Actor(**sup.__dict__)
    sender.display = sup.name
    sender.address = pick(r, ["newsletter", "news", "info", "communication"]) + "@" + sup.domain
    hdrs = [("List-Unsubscribe", "<%s>" % unsub), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Precedence", "bulk")]
    return dict(a=sender, b=pro, subject=subj, text=text, html=htm, headers=hdrs, sign=True)


def t_list(w, r):
    base = t_tiers_payant(w, r) if r.random() < 0.6 else t_commande(w, r)
    a = base["a"]
    lname = "%s-%s" % (pick(r, ["pharmaciens", "opticiens", "kines", "infirmiers", "sante", "cpts", "orthos"]), pick(r, w.departments)[0].lower())
    ldom = "listes.%s" % pick(r, ["urps-%s.fr" % E.slug(pick(r, w.departments)[1]), "reseau-sante-%s.fr" % E.slug(a.city[0])])
    w.used_domains.add(ldom)
    tag = "[%s]" % lname
    subj = "%s %s" % (tag, pick(r, [base["subject"], "Question aux collègues", "Garde du week-end", "Remplaçant cherché", "Retour sur la réunion"]))
    rewrite = r.random() < 0.5
    hdrs = [("List-Id", "%s <%s.%s>" % (lname.capitalize(), lname, ldom)), ("List-Post", "<mailto:%s@%s>" % (lname, ldom)),
            ("List-Unsubscribe", "<mailto:%s-unsubscribe@%s>" % (lname, ldom)), ("Precedence", "list"),
            ("Sender", "%s-bounces@%s" % (lname, ldom))]
    sender = a
    if rewrite:
        sender = Actor(**a.__dict__)
        sender.display = "%s %s via %s" % (a.first, a.last, lname)
        sender.address = "%s@%s" % (lname, ldom)
        hdrs.append(("Reply-To", a.box()))
    body = base["text"].split("\n", 1)[1] if base["text"].startswith(("Bonjour", "Salut", "Hello", "Coucou", "Madame", "Monsieur")) else base["text"]
    text = pick(r, ["Bonjour à tous,", "Bonjour à toutes et à tous,", "Chers collègues,", "Salut la liste,"]) + "\n" + body + "\n\n_______________________________________________\n%s mailing list\n%s@%s\nhttps://%s/mailman/listinfo/%s\n" % (lname, lname, ldom, ldom, lname)
    to = Actor(display=lname, address="%s@%s" % (lname, ldom), first=None, role="list")
    return dict(a=sender, b=to, subject=subj, text=text, headers=hdrs, note="list %s%s" % (lname, ", From rewritten" if rewrite else ""))


def t_reply(w, r):
    base = pick(r, [t_tiers_payant, t_rdv, t_commande, t_facture, t_compta])(w, r)
    a, b = base["b"], base["a"]
    if getattr(a, "role", "") == "list":
        a = make_pro(w, r)
    peers = getattr(a, "role", "") == "pro" and getattr(b, "role", "") == "pro"
    ans = pick(r, ["Oui, pareil de mon côté, je t'en reparle demain.", "Merci, c'est noté !", "Je regarde ça ce soir.",
                   "Bien reçu, merci !"] if peers else
               ["Merci, c'est noté.", "Parfait, merci beaucoup.", "Je regarde cela et je reviens vers vous.",
                "Bien reçu, merci.", "C'est parfait pour moi."])
    qhead = "Le %s à %s, %s <%s> a écrit :" % (day(r), hour(r), base["a"].display or base["a"].address, base["a"].address)
    text = "%s\n\n%s\n\n%s\n\n%s\n%s" % (hello(r, b if getattr(b, "first", None) else None, not peers), ans, bye(r, a, not peers),
                                        qhead, E.quote(E.wrap(base["text"])))
    subj = "Re: " + base["subject"] if not base["subject"].lower().startswith("re:") else base["subject"]
    mid = "<%s.%d@%s>" % (E.slug(base["subject"])[:12] or "x", r.randrange(10 ** 8), base["a"].ascii_domain if hasattr(base["a"], "ascii_domain") else "example.fr")
    return dict(a=a, b=b, subject=subj, text=text, headers=[("In-Reply-To", mid), ("References", mid)])


def t_words(w, r):
    a = make_pro(w, r)
    b = make_pro(w, r, a.trade)
    text = "%s\n\n%s\n\n%s" % (hello(r, b, False), " ".join(pick(r, [
        ["Il faudrait améliorer l'accueil le samedi matin, la file d'attente est trop longue.",
         "On a carte blanche pour réorganiser la salle d'attente, le propriétaire est d'accord."],
        ["Petite amélioration du planning : Harmonie prend les lundis et moi les mercredis.",
         "Tu as carte blanche pour le choix des fauteuils."],
        ["Harmonie (la nouvelle assistante) commence lundi, je lui laisse carte blanche pour le rangement.",
         "Ça devrait améliorer les choses."],
        ["L'amélioration du logiciel est enfin installée, la télétransmission va plus vite.",
         "Il reste à améliorer l'impression des feuilles de soins."],
        ["Le camélia devant la vitrine a gelé, il faudra le remplacer.", "J'ai appelé Camélia Fleurs pour un devis."]])),
        bye(r, a, False))
    return dict(a=a, b=b, subject=pick(r, ["Organisation", "Améliorations", "Planning", "Réaménagement", "Idées pour le cabinet"]), text=text)


def t_planning(w, r):
    a = make_pro(w, r)
    b = make_pro(w, r, a.trade)
    text = "%s\n\nVoici le planning des remplacements pour %s : je serai absent%s du %s au %s, %s me remplace. Les gardes du week-end restent inchangées.\n\n%s" % (
        hello(r, b, False), pick(r, ["l'été", "les vacances de février", "la Toussaint", "Noël"]), "e" if a.gender == "f" else "",
        day(r), day(r), "%s %s" % w.name(r)[:2], bye(r, a, False))
    att = [("Planning.pdf", ["Planning des remplacements", a.bname])] if r.random() < 0.3 else []
    return dict(a=a, b=b, subject=pick(r, ["Planning", "Remplacements", "Congés", "Gardes"]), text=text, attachments=att)


def t_patient_docs(w, r):
    pro = make_pro(w, r)
    pat = make_patient(w, r)
    if r.random() < 0.5:
        text = "%s\n\nVous trouverez ci-joint le devis pour %s : %s, dont %s pris en charge par l'Assurance Maladie et %s par votre complémentaire santé (%s). Le tiers payant sera fait, il vous restera %s à régler.\n\n%s" % (
            hello(r, pat, True), pro.vocab["objet"], money(r, 100, 900), money(r, 5, 60), money(r, 50, 300),
            pick(r, MUTUELLES + ["Harmonie Mutuelle", "Santéclair (via votre mutuelle)", "Kalixia", "Itelis"]), money(r, 0, 90), bye(r, pro, True))
        return dict(a=pro, b=pat, subject=pick(r, ["Votre devis", "Devis", "Devis %s" % pro.vocab["objet"]]), text=text,
                    attachments=[("Devis.pdf", ["Devis", pro.bname, "Total " + money(r).replace("€", "EUR")])])
    text = "%s\n\nComme convenu, je vous envoie %s en pièce jointe. Pensez à le transmettre à votre mutuelle si elle le demande.\n\n%s" % (
        hello(r, pat, True), pick(r, ["la facture acquittée", "l'attestation", "le compte rendu", "la feuille de soins"]), bye(r, pro, True))
    return dict(a=pro, b=pat, subject=pick(r, ["Document", "Votre facture", "Attestation", "Compte rendu"]), text=text,
                attachments=[("Document.pdf", [pro.bname, "Document"])])


def t_brandlike(w, r):
    """People and firms named like brands (data/companies.txt and the issue's cases)."""
    comps = [c for c in E.load_companies() if c["split"] == w.split]
    c = pick(r, comps)
    pro = make_pro(w, r)
    domain = c["address"].split("@")[1]
    a = Actor(role="brandlike", display=c["display"], address=c["address"], first=None, ascii_domain=domain, domain=domain)
    v = r.randrange(4)
    if v == 0:
        num = "%d-%03d" % (r.choice([2024, 2025]), r.randrange(1000))
        text = "%s\n\nVeuillez trouver ci-joint la facture %s (%s). Mon RIB est en bas de la facture.\n\nMerci et bonne journée,\n%s\n%s" % (
            hello(r, pro, True), num, money(r), c["display"], "https://www." + domain)
        subj = "Facture %s" % num
        att = [("Facture_%s.pdf" % num, [c["display"], "Facture " + num, "IBAN " + iban(r)])]
        return dict(a=a, b=pro, subject=subj, text=text, attachments=att, note="%s (%s)" % (c["display"], c["source"]))
    if v == 1:
        text = "%s\n\nMerci pour votre visite ! Toutes nos informations sont sur notre site : https://www.%s\n\nÀ bientôt,\n%s" % (
            hello(r, pro, True), domain, c["display"])
        return dict(a=a, b=pro, subject=pick(r, ["Suite à notre échange", "Merci !", "Nos coordonnées"]), text=text,
                    note="%s links its own site" % c["display"])
    if v == 2:
        text = "%s\n\nJe vous confirme notre rendez-vous du %s à %s. N'hésitez pas à m'appeler au %s.\n\n%s" % (
            hello(r, pro, True), day(r), hour(r), w.phone(r), c["display"])
        return dict(a=a, b=pro, subject=pick(r, ["Rendez-vous", "Confirmation", "Notre rendez-vous"]), text=text,
                    note="%s confirms an appointment" % c["display"])
    text = "%s\n\nSuite à notre changement de banque, vous trouverez notre nouveau RIB en pièce jointe pour vos prochains règlements.\n\nCordialement,\n%s" % (
        hello(r, pro, True), c["display"])
    return dict(a=a, b=pro, subject=pick(r, ["Nouveau RIB", "Changement de coordonnées bancaires"]), text=text,
                attachments=[("RIB.pdf", [c["display"], "RIB", "IBAN " + iban(r)])], note="%s sends its new RIB" % c["display"])


BRAND_SIGNED = {
    "dev": [("Viamedis", "noreply@viamedis.fr", "viamedis.fr", "https://www.viamedis.net", "Viamedis : nouvelle version de votre portail"),
            ("Assurance Maladie", "ne-pas-repondre@info.ameli.fr", "info.ameli.fr", "https://espacepro.ameli.fr", "Votre relevé mensuel est disponible")],
    "held": [("Almerys", "information@almerys.com", "almerys.com", "https://www.almerys.com", "Almerys : nouveautés pour les professionnels de santé"),
             ("Santéclair", "partenaires@santeclair.fr", "santeclair.fr", "https://www.santeclair.fr", "La lettre des partenaires Santéclair"),
             ("Harmonie Mutuelle", "partenaires@harmonie-mutuelle.fr", "harmonie-mutuelle.fr", "https://www.harmonie-mutuelle.fr", "Harmonie Mutuelle : vos prises en charge en ligne")],
}


def t_brand_signed(w, r, esp=False):
    pro = make_pro(w, r)
    disp, addr, dom, site, subj = pick(r, BRAND_SIGNED[w.split])
    a = Actor(role="brand", display=disp, address=addr, first=None, ascii_domain=dom, domain=dom)
    href = esp_url(w, r, Actor(name=disp)) if esp else site + "/actualites"
    text = "Madame, Monsieur,\n\n%s\n\nPour en savoir plus, rendez-vous dans votre espace : %s\n\nCe message vous est envoyé automatiquement.\n" % (
        pick(r, ["Nous avons le plaisir de vous présenter les nouveautés de votre espace professionnel.",
                 "Votre relevé de paiements du mois est disponible dans votre espace.",
                 "Les délais de paiement sont revenus à la normale."]), site)
    htm = E.html_doc('<p>Madame, Monsieur,</p><p>%s</p><p><a href="%s">%s</a></p>' % (
        E.html.escape(text.split("\n\n")[1]), E.html.escape(href), E.html.escape(site.replace("https://", ""))), subj)
    return dict(a=a, b=pro, subject=subj, text=text, html=htm, sign_domain=dom, note="%s mail signed by %s%s" % (disp, dom, " via an ESP" if esp else ""))


def t_cpts(w, r):
    a = make_pro(w, r, "medecin")
    b = make_pro(w, r)
    text = "%s\n\nLa CPTS organise une réunion sur le parcours des patients diabétiques le %s à %s. Les infirmiers, pharmaciens et kinés du territoire sont les bienvenus. Merci de vous inscrire en répondant à ce message.\n\n%s" % (
        hello(r, b, True), day(r), hour(r), bye(r, a, True))
    return dict(a=a, b=b, subject=pick(r, ["CPTS : réunion parcours diabète", "Invitation CPTS", "Coordination des soins"]), text=text)


def t_dpc(w, r):
    pro = make_pro(w, r)
    org = make_supplier(w, r)
    text = "%s\n\nVotre inscription à la formation DPC « %s » du %s est confirmée. La prise en charge par l'ANDPC se fait directement ; vous n'avez rien à avancer. Connectez-vous à votre compte mondpc.fr pour valider votre inscription.\n\n%s" % (
        hello(r, pro, True), pick(r, ["Dépistage en officine", "Gestes d'urgence", "Prévention des chutes"]), day(r), bye(r, org, True))
    return dict(a=org, b=pro, subject="Confirmation d'inscription DPC", text=text)


def t_rcpro(w, r):
    pro = make_pro(w, r)
    br = make_supplier(w, r)
    text = "%s\n\nVotre contrat de responsabilité civile professionnelle arrive à échéance le %s. L'avis d'échéance est joint ; le prélèvement se fera sur le compte indiqué dans votre mandat SEPA. Si vos coordonnées bancaires ont changé, merci de nous renvoyer un RIB.\n\n%s" % (
        hello(r, pro, True), day(r), bye(r, br, True))
    return dict(a=br, b=pro, subject="Avis d'échéance RC professionnelle", text=text, attachments=[("Avis_echeance.pdf", ["Avis d'echeance", pro.bname])])


TEMPLATES = [  # name, function, weight
    ("rdv", t_rdv, 12), ("facture", t_facture, 12), ("commande", t_commande, 7), ("compta", t_compta, 7),
    ("tiers-payant", t_tiers_payant, 12), ("forward-brand", t_forward, 5), ("warning-lookalike", t_warning, 3),
    ("union", t_union, 3), ("newsletter", t_newsletter, 7), ("list", t_list, 7), ("reply", t_reply, 10),
    ("brandlike", t_brandlike, 5), ("words", t_words, 3), ("planning", t_planning, 3), ("patient-docs", t_patient_docs, 6),
    ("brand-signed", t_brand_signed, 2),
    ("cpts", t_cpts, 3), ("dpc", t_dpc, 2), ("rcpro", t_rcpro, 2),
    ("forward-outlook", lambda w, r: t_forward(w, r, outlook=True), 2),
    ("brand-signed-esp", lambda w, r: t_brand_signed(w, r, esp=True), 1),
    ("tracking-url", lambda w, r: t_newsletter(w, r, tracking_url=True), 2),
]
CATEGORY = {"forward-outlook": "forward-brand", "brand-signed-esp": "brand-signed", "tracking-url": "newsletter"}


# --- shapes ----------------------------------------------------------------------

def build(w, r, c):
    """The message of content c, in a shape drawn at random: returns (bytes, technique)."""
    a, b = c["a"], c["b"]
    tech = []
    enc = pick(r, ["Q", "Q", "B"])
    hcs = "iso-8859-1" if r.random() < 0.15 else "utf-8"
    if E.needs_encoding(a.display or "") or E.needs_encoding(c["subject"]):
        tech.append("2047-%s%s" % (enc, "-latin1" if hcs != "utf-8" else ""))
    date, _ = E.rfc_date(r)
    fromdom = getattr(a, "ascii_domain", a.address.split("@")[1])
    todom = b.address.split("@")[1]
    headers = [("Return-Path", "<%s>" % a.address),
               ("Received", "from smtp.%s (smtp.%s [%s]) by mx.%s (Postfix) with ESMTPS id %s for <%s>; %s" % (
                   fromdom, fromdom, pick(r, ["192.0.2.", "198.51.100.", "203.0.113."]) + str(r.randrange(1, 254)),
                   todom, "".join(r.choice("0123456789ABCDEF") for _ in range(10)), b.address, date)),
               ("From", a.box(enc, hcs)), ("To", b.box(enc, hcs) if getattr(b, "display", "") else b.address)]
    if r.random() < 0.1:
        x = make_pro(w, r)
        headers.append(("Cc", x.box(enc, hcs)))
    headers += [("Subject", E.unstructured(c["subject"], enc, hcs)), ("Date", date),
                ("Message-ID", E.message_id(r, fromdom))]
    headers += c.get("headers", [])
    if r.random() < 0.4:
        headers.append(pick(r, [("User-Agent", "Mozilla Thunderbird"), ("X-Mailer", "Microsoft Outlook 16.0"),
                                ("X-Mailer", "iPhone Mail (21D61)"), ("User-Agent", "Roundcube Webmail/1.6.5"),
                                ("X-Mailer", "Zimbra 9.0.0_GA_4583")]))
    text = c["text"]
    # body shape
    cte = pick(r, ["8bit", "8bit", "8bit", "quoted-printable", "quoted-printable", "base64"])
    charset = "iso-8859-1" if r.random() < 0.15 else "utf-8"
    htm = c.get("html")
    form = pick(r, ["plain"] * 6 + ["alternative"] * 3 + ["html"]) if not htm else pick(r, ["alternative", "alternative", "html"])
    if form == "plain":
        top = E.text_part(text, "plain", charset, cte)
    else:
        htm = htm or E.html_doc(E.text_to_html(text))
        hpart = E.text_part(htm, "html", "utf-8", pick(r, ["quoted-printable", "quoted-printable", "base64"]))
        top = hpart if form == "html" else E.multipart("alternative", [E.text_part(text, "plain", charset, cte), hpart], r)
    tech.append("%s/%s/%s" % (form, charset if form == "plain" or form == "alternative" else "utf-8", cte if form != "html" else "html"))
    if c.get("attachments"):
        top = E.multipart("mixed", [top] + [E.pdf_part(fn, lines) for fn, lines in c["attachments"]], r)
        tech.append("+pdf")
    if getattr(a, "idn", False):
        tech.append("+idn")
    raw = E.message(headers, top)
    sign = c.get("sign_domain")
    if sign is None and (c.get("sign") and r.random() < 0.5 or r.random() < 0.04) and "@" in a.address:
        sign = fromdom
    if sign:
        raw = E.dkim_sign(raw, "eval", sign)
        w.signed.add("eval._domainkey." + sign)
        tech.append("+dkim")
    return raw, " ".join(tech)


def generate(out, split, count, seed):
    w = World(split, seed)
    sw = GEN[out]
    r = E.rng(seed, "ham", split)
    tpls = [(n, f, wt) for n, f, wt in TEMPLATES if split == "held" or n not in HELD_ONLY]
    total = sum(wt for _, _, wt in tpls)
    for i in range(count):
        x = r.uniform(0, total)
        for name, fn, wt in tpls:
            x -= wt
            if x <= 0:
                break
        mr = E.rng(seed, "ham", split, i)
        c = fn(w, mr)
        raw, tech = build(w, mr, c)
        cat = CATEGORY.get(name, name)
        note = c.get("note", "")
        if name != cat:
            note = ("%s; %s" % (name, note)).strip("; ")
        sw.add(split, "ham", cat, tech, raw, note=note, stem=cat)
    return w


GEN = {}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--split", default="all", choices=["dev", "held", "all"])
    ap.add_argument("--count-dev", type=int, default=3000)
    ap.add_argument("--count-held", type=int, default=2500)
    ap.add_argument("--seed", default="vigie-eval-1")
    a = ap.parse_args()
    sw = E.SetWriter(a.out, "ham")
    GEN[a.out] = sw
    signed = set()
    for split in E.wanted_splits(a.split):
        w = generate(a.out, split, a.count_dev if split == "dev" else a.count_held, a.seed)
        signed |= w.signed
    sw.close()
    sw.write_file("test-keys", "\n".join(E.test_keys_lines(sorted(signed))) + "\n")
    print("ham: %s" % ", ".join("%s %d" % kv for kv in sorted(sw.counts.items())))


if __name__ == "__main__":
    main()
