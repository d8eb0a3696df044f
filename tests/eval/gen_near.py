#!/usr/bin/python3
"""gen_near - real French names and companies near brand names: the
"near-name" evaluation set, and the list it is made from.

    /usr/bin/python3 tests/eval/gen_near.py OUTDIR [--split dev|held|all]
    /usr/bin/python3 tests/eval/gen_near.py --list     # print the list
    /usr/bin/python3 tests/eval/gen_near.py --update   # rewrite data/near-names.txt
    /usr/bin/python3 tests/eval/gen_near.py --check    # is data/near-names.txt up to date?

The list holds every first name and surname of Faker fr_FR
(python3-fake-factory) and of data/names.txt that is close to a brand word
of contrib/brands.conf, after accent folding and lower-casing:
Damerau-Levenshtein distance (adjacent swaps count one) at most 2 from a
word of 5 letters or more, at most 1 from a word of 4 letters. A name is
compared whole (spaces, hyphens and apostrophes removed) and word by word.

Brand words: the labels of each brand domain (the registrable label, whole
and split at hyphens: tp-isante gives tpisante, tp and isante) and the words
of each brand name and name form (whole and word by word), of 4 letters or
more. Words shorter than 4 letters are left out (two edits from "pro" or "sp"
reach most short names).

Then data/companies.txt: real companies and services named like brands.

Messages: each near first name as the display name of "First Surname"
<first@first-surname.fr> (surname drawn from the same split); each near
surname as "First Surname" <first.surname@first-surname.fr> and as a trade
(<trade>-<surname>.fr, "Optique Surname"); each company as its own display
name and address. Ordinary content (appointments, invoices that mention a
RIB, a link to the sender's own site). Class ham: all must stay clean.
OUTDIR/near/domains.tsv lists the sender domains, for vigie-check --domain
(informational: --domain reports weak relations on purpose).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evallib as E  # noqa: E402

LIST = os.path.join(E.DATA, "near-names.txt")
TRADES = [("Optique {N}", "optique-{n}.fr"), ("Pharmacie {N}", "pharmacie-{n}.fr"),
          ("Cabinet infirmier {N}", "cabinet-{n}.fr"), ("Kinésithérapie {N}", "kinesitherapie-{n}.fr"),
          ("{N} Audition", "audition-{n}.fr"), ("Cabinet dentaire {N}", "cabinet-dentaire-{n}.fr"),
          ("Laboratoire {N}", "labo-{n}.fr"), ("Orthophonie {N}", "orthophonie-{n}.fr")]


def brand_words(brands):
    words = {}
    for b in brands:
        forms = []
        for d in b["domains"]:
            label = d.split(".")[0]
            forms.append(label)
        forms += b["names"]
        for f in forms:
            fl = E.fold(f)
            parts = [p for p in re.split(r"[^a-z0-9]+", fl) if p]
            for w in ["".join(parts)] + parts:
                if len(w) >= 4:
                    words.setdefault(w, b["name"])
    return words


def limit(word):
    return 2 if len(word) >= 5 else 1


def name_forms(name):
    fl = E.fold(name)
    parts = [p for p in re.split(r"[^a-z0-9]+", fl) if p]
    return sorted({"".join(parts)} | {p for p in parts if len(p) >= 3})


def nearest(name, words):
    best = None
    for form in name_forms(name):
        for w, brand in words.items():
            d = E.dl_distance(form, w)
            if d <= limit(w) and (best is None or (d, w) < (best[0], best[1])):
                best = (d, w, brand)
    return best


def compute():
    brands, _ = E.load_brands()
    words = brand_words(brands)
    firsts, lasts = E.load_names()
    rows = []
    for n, g, src in firsts:
        hit = nearest(n, words)
        if hit:
            rows.append(("first", n, hit[1], hit[2], hit[0], src, E.split_of(n)))
    for n, src in lasts:
        hit = nearest(n, words)
        if hit:
            rows.append(("last", n, hit[1], hit[2], hit[0], src, E.split_of(n)))
    return rows


def render(rows):
    out = ["# near-names.txt - written by gen_near.py --update, checked by gen_near.py --check.",
           "# Real first names and surnames (Faker fr_FR and data/names.txt) within two edits",
           "# (Damerau-Levenshtein, folded; one edit for 4-letter words) of a brand word of",
           "# contrib/brands.conf. Columns: kind, name, nearest brand word, its brand, distance,",
           "# source list, split."]
    for kind, n, w, b, d, src, split in rows:
        out.append("%s\t%s\t%s\t%s\t%d\t%s\t%s" % (kind, n, w, b, d, src, split))
    return "\n".join(out) + "\n"


def read_list():
    rows = []
    with open(LIST, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            k, n, w, b, d, src, split = line.rstrip("\n").split("\t")
            rows.append((k, n, w, b, int(d), src, split))
    return rows


def content(r, display, domain, first):
    v = r.randrange(4)
    if v == 0:
        num = "%d-%04d" % (r.choice([2024, 2025]), r.randrange(10000))
        return ("Facture %s" % num,
                "Bonjour,\n\nVeuillez trouver ci-joint la facture %s d'un montant de %s €. Mon RIB figure en bas de la facture ; le règlement est attendu sous 30 jours.\n\nBien cordialement,\n%s\nhttps://www.%s" % (
                    num, ("%.2f" % r.uniform(30, 900)).replace(".", ","), display, domain),
                [("Facture_%s.pdf" % num, [display, "Facture " + num])])
    if v == 1:
        return ("Rendez-vous de %s" % r.choice(["mardi", "jeudi", "lundi", "vendredi"]),
                "Bonjour,\n\nJe vous confirme le rendez-vous de %s à %dh. Toutes les informations pratiques (accès, parking) sont sur le site : https://www.%s/contact\n\nÀ bientôt,\n%s" % (
                    r.choice(["mardi", "jeudi", "lundi"]), r.randint(8, 18), domain, display), [])
    if v == 2:
        return ("Nouvelle adresse du cabinet" if "Cabinet" in display else "Notre nouveau site",
                "Bonjour,\n\nNous avons le plaisir de vous annoncer l'ouverture de notre nouveau site : https://www.%s\nVous pouvez y prendre rendez-vous en ligne.\n\nCordialement,\n%s" % (domain, display), [])
    return ("Merci", "Bonjour,\n\nMerci pour votre message. Je vous rappelle demain dans la matinée.\n\n%s\n%s" % (first or display, "www." + domain), [])


def build(r, display, address, subj, text, atts, split):
    date, _ = E.rfc_date(r)
    domain = address.split("@")[1]
    enc = r.choice(["Q", "B"])
    rcpt = "%s@%s" % (r.choice(["contact", "accueil", "secretariat"]), r.choice(
        {"dev": ["pharmacie-lorient.fr", "optique-morvan.fr", "free.fr"], "held": ["cabinet-leduc.fr", "gmail.com", "labo-valence.fr"]}[split]))
    headers = [("From", E.mailbox(display, address, enc)), ("To", rcpt), ("Subject", E.unstructured(subj, enc)),
               ("Date", date), ("Message-ID", E.message_id(r, domain))]
    top = E.text_part(text, "plain", "utf-8", r.choice(["8bit", "quoted-printable"]))
    if r.random() < 0.4:
        top = E.multipart("alternative", [top, E.text_part(E.html_doc(E.text_to_html(text)), "html", "utf-8", "quoted-printable")], r)
    if atts:
        top = E.multipart("mixed", [top] + [E.pdf_part(fn, l) for fn, l in atts], r)
    return E.message(headers, top)


def generate(out, splits, seed):
    sw = E.SetWriter(out, "near")
    firsts, lasts = E.load_names()
    domains = []
    rows = read_list()
    for split in splits:
        near_keys = {E.fold(n) for _, n, _, _, _, _, _ in rows}
        pool_first = [f for f, _, _ in firsts if E.split_of(f) == split and E.fold(f) not in near_keys]
        pool_last = [l for l, _ in lasts if E.split_of(l) == split and E.fold(l) not in near_keys]
        for kind, name, word, brand, dist, src, sp in rows:
            if sp != split:
                continue
            mr = E.rng(seed, "near", kind, name)
            if kind == "first":
                last = mr.choice(pool_last)
                display = "%s %s" % (name, last)
                domain = "%s-%s.fr" % (E.slug(name), E.slug(last))
                address = "%s@%s" % (E.slug(name).replace("-", ""), domain)
                variants = [(display, address, "first-name")]
            else:
                first = mr.choice(pool_first)
                display = "%s %s" % (first, name)
                domain = "%s-%s.fr" % (E.slug(first), E.slug(name))
                address = "%s.%s@%s" % (E.slug(first).replace("-", ""), E.slug(name).replace("-", ""), domain)
                tn, td = mr.choice(TRADES)
                tdom = td.format(n=E.slug(name))
                variants = [(display, address, "surname"),
                            (tn.format(N=name), "%s@%s" % (mr.choice(["contact", "accueil", "cabinet"]), tdom), "surname-trade")]
            for disp, addr, tech in variants:
                subj, text, atts = content(mr, disp, addr.split("@")[1], disp.split()[0])
                raw = build(mr, disp, addr, subj, text, atts, split)
                sw.add(split, "ham", "near-" + kind, tech, raw,
                       note="%s: %d from '%s' (%s), %s list" % (name, dist, word, brand, src), stem="%s-%s" % (kind, name))
                domains.append((addr.split("@")[1], split))
        for c in E.load_companies():
            if c["split"] != split:
                continue
            mr = E.rng(seed, "near", "company", c["display"])
            domain = c["address"].split("@")[1]
            subj, text, atts = content(mr, c["display"], domain, None)
            raw = build(mr, c["display"], c["address"], subj, text, atts, split)
            sw.add(split, "ham", "near-company", "company", raw, note="%s: %s (%s)" % (c["display"], c["what"], c["source"]),
                   stem="company-%s" % c["display"])
            domains.append((domain, split))
    sw.close()
    seen = []
    for d in domains:
        if d not in seen:
            seen.append(d)
    sw.write_file("domains.tsv", "# sender domains of the near-name set and their split, for vigie-check --domain\n" +
                  "".join("%s\t%s\n" % d for d in seen))
    sw.write_file("test-keys", "")
    return sw


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--split", default="all", choices=["dev", "held", "all"])
    ap.add_argument("--seed", default="vigie-eval-1")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.list or a.update or a.check:
        text = render(compute())
        if a.list:
            sys.stdout.write(text)
        if a.update:
            with open(LIST, "w", encoding="utf-8") as f:
                f.write(text)
        if a.check:
            with open(LIST, encoding="utf-8") as f:
                if f.read() != text:
                    print("data/near-names.txt is out of date: run gen_near.py --update", file=sys.stderr)
                    return 1
        return 0
    if not a.out:
        ap.error("OUTDIR is required")
    sw = generate(a.out, E.wanted_splits(a.split), a.seed)
    print("near: %s" % ", ".join("%s %d" % kv for kv in sorted(sw.counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
