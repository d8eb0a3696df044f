"""shapes - the message shapes the banner is tried on (the golden matrix):
every form a text part takes (charsets, transfer encodings), every
structure a reader's text sits in, the parts that must never change
(attachments, forwards, invitations), the messages whose body must stay
(signed, encrypted, malformed), and a message that already carries a
banner. Each shape is (name, bytes with CRLF line breaks, expected), where
expected is the plan's outcome: "changed" with the kinds of parts that get
the banner, or the reason the body stays.
"""
import base64
import quopri

CRLF = "\r\n"

HEAD = ("From: Viamedis <noreply@xn--viamdis-eya.fr>\r\n"
        "To: opticien@optique-martin.fr\r\n"
        "Subject: Convention 2024\r\n"
        "Date: Mon, 04 Mar 2024 09:12:00 +0100\r\n"
        "Message-ID: <{name}@shapes.test>\r\n")

FR = ("Bonjour,\r\n\r\nMerci de mettre à jour vos coordonnées bancaires (RIB) "
      "avant le 15 mars : l'équipe Viamédis.\r\n\r\nCordialement\r\n")
HTML = ("<!DOCTYPE html>\r\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
        "<title>Viamedis</title>\r\n<style>p { color: #333 } /* <body> */</style></head>\r\n"
        "<body style=\"margin:0\">\r\n<p>Bonjour,</p>\r\n<p>Mettez à jour votre "
        "<a href=\"https://viamedis-securite.fr/rib\">RIB</a>.</p>\r\n</body></html>\r\n")
PNG = base64.b64encode(bytes(range(256)) * 3).decode()
PDF = base64.b64encode(b"%PDF-1.4\n" + bytes(range(200)) * 5).decode()


def wrap76(s):
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76))


def b64(data):
    return wrap76(base64.b64encode(data).decode())


def qp(data):
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).decode().replace("\n", CRLF)


def msg(name, headers, body):
    return (HEAD.format(name=name) + headers + CRLF + body).encode("utf-8", "surrogateescape")


def part(ctype, body, cte=None, extra=""):
    h = "Content-Type: %s\r\n" % ctype
    if cte:
        h += "Content-Transfer-Encoding: %s\r\n" % cte
    return h + extra + CRLF + body


def multipart(subtype, boundary, parts, preamble="", epilogue="", close=True):
    out = preamble
    for p in parts:
        out += "--" + boundary + CRLF + p + CRLF
    if close:
        out += "--" + boundary + "--" + CRLF + epilogue
    return out


MIME = "MIME-Version: 1.0\r\n"


def latin1(s):
    return s.encode("latin-1").decode("latin-1")


def shapes():
    """(name, raw bytes, expected) for every shape of the matrix"""
    out = []

    def add(name, headers, body, expected, raw=None):
        out.append((name, raw if raw is not None else msg(name, headers, body), expected))

    add("plain-utf8-8bit", MIME + "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n", FR, "changed plain")
    # Latin-1 bytes: built from a latin-1 string, kept as bytes
    raw = (HEAD.format(name="plain-latin1") + MIME +
           "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n"
           "\r\n").encode() + FR.encode("latin-1")
    add("plain-latin1", "", "", "changed plain", raw)
    raw = (HEAD.format(name="plain-latin1-qp") + MIME +
           "Content-Type: text/plain; charset=\"iso-8859-15\"; format=flowed\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode() + \
        qp(FR.encode("iso-8859-15")).encode()
    add("plain-latin9-qp-flowed", "", "", "changed plain", raw)
    add("plain-7bit-ascii", MIME + "Content-Type: text/plain; charset=us-ascii\r\n"
        "Content-Transfer-Encoding: 7bit\r\n", "Hello,\r\n\r\nPlease update your bank details.\r\n",
        "changed plain")
    add("plain-no-mime", "", "Hello,\r\n\r\nA message with no MIME field at all.\r\n",
        "changed plain")
    add("plain-qp", MIME + "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n", qp(FR.encode()), "changed plain")
    add("plain-base64", MIME + "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n", b64(FR.encode()) + CRLF, "changed plain")
    add("plain-long-lines", MIME + "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n", "x" * 1200 + CRLF + FR, "changed plain")
    add("plain-utf16", MIME + "Content-Type: text/plain; charset=utf-16\r\n"
        "Content-Transfer-Encoding: base64\r\n", b64(FR.encode("utf-16")) + CRLF, "changed plain")
    add("html-only", MIME + "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n", qp(HTML.encode()), "changed html")
    add("html-no-body-tag", MIME + "Content-Type: text/html; charset=utf-8\r\n",
        "<p>Bonjour,</p><p>Votre RIB.</p>\r\n", "changed html")
    add("html-windows1252", MIME + "Content-Type: text/html; charset=windows-1252\r\n"
        "Content-Transfer-Encoding: 8bit\r\n", "", "changed html",
        (HEAD.format(name="html-windows1252") + MIME +
         "Content-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
         ).encode() + HTML.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252"))
    alt = multipart("alternative", "alt-1", [
        part("text/plain; charset=utf-8", qp(FR.encode()), "quoted-printable"),
        part("text/html; charset=utf-8", qp(HTML.encode()), "quoted-printable")])
    add("alternative", MIME + 'Content-Type: multipart/alternative; boundary="alt-1"\r\n', alt,
        "changed plain html")
    rel = multipart("related", "rel-1", [
        part("text/html; charset=utf-8", b64(HTML.encode()), "base64"),
        part("image/png", wrap76(PNG), "base64", "Content-ID: <logo@x>\r\n"
             "Content-Disposition: inline; filename=logo.png\r\n"),
        part("image/png", wrap76(PNG), "base64", "Content-ID: <sig@x>\r\n")])
    add("related-inline-images", MIME + 'Content-Type: multipart/related; type="text/html";'
        ' boundary="rel-1"\r\n', rel, "changed html")
    mixed = multipart("mixed", "mix-1", [
        part("text/plain; charset=utf-8", FR, "8bit"),
        part("application/pdf; name=releve.pdf", wrap76(PDF), "base64",
             "Content-Disposition: attachment; filename=releve.pdf\r\n"),
        part("text/html; charset=utf-8; name=formulaire.html", b64(HTML.encode()), "base64",
             "Content-Disposition: attachment; filename=formulaire.html\r\n"),
        part("text/plain; charset=utf-8; name=notes.txt", "notes\r\n", "7bit",
             "Content-Disposition: attachment; filename=notes.txt\r\n")],
        preamble="This is a multi-part message in MIME format.\r\n")
    add("mixed-pdf-html-attachments", MIME + "Content-Type: multipart/mixed;\r\n"
        ' boundary="mix-1"\r\n', mixed, "changed plain")
    nested = multipart("mixed", "outer", [
        "Content-Type: multipart/alternative; boundary=\"inner-alt\"\r\n\r\n" +
        multipart("alternative", "inner-alt", [
            part("text/plain; charset=utf-8", FR, "8bit"),
            "Content-Type: multipart/related; boundary=inner-rel\r\n\r\n" +
            multipart("related", "inner-rel", [
                part("text/html; charset=utf-8", qp(HTML.encode()), "quoted-printable"),
                part("image/png", wrap76(PNG), "base64", "Content-ID: <a@b>\r\n")])]),
        part("application/pdf", wrap76(PDF), "base64",
             "Content-Disposition: attachment; filename=a.pdf\r\n")])
    add("nested-multiparts", MIME + "Content-Type: multipart/mixed; boundary=outer\r\n", nested,
        "changed plain html")
    fwd_inner = ("From: Viamedis <noreply@viamedis.fr>\r\nSubject: original\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n\r\n" + FR)
    fwd = multipart("mixed", "fwd-1", [
        part("text/plain; charset=utf-8", "Voir le message transféré.\r\n", "8bit"),
        part("message/rfc822", fwd_inner, None, "Content-Disposition: inline\r\n")])
    add("forward-rfc822", MIME + "Content-Type: multipart/mixed; boundary=fwd-1\r\n", fwd,
        "changed plain")
    fwd_only = multipart("mixed", "fwd-2", [part("message/rfc822", fwd_inner)])
    add("forward-rfc822-only", MIME + "Content-Type: multipart/mixed; boundary=fwd-2\r\n", fwd_only,
        "skip no-text")
    ics = ("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Rendez-vous\r\n"
           "DTSTART:20240315T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    cal = multipart("mixed", "cal-mix", [
        "Content-Type: multipart/alternative; boundary=cal-alt\r\n\r\n" +
        multipart("alternative", "cal-alt", [
            part("text/plain; charset=utf-8", FR, "8bit"),
            part("text/html; charset=utf-8", HTML, "8bit"),
            part("text/calendar; charset=utf-8; method=REQUEST", ics, "7bit")]),
        part("application/ics; name=invite.ics", b64(ics.encode()), "base64",
             "Content-Disposition: attachment; filename=invite.ics\r\n")])
    add("calendar-invite", MIME + "Content-Type: multipart/mixed; boundary=cal-mix\r\n", cal,
        "changed plain html")
    signed = multipart("signed", "sig-1", [
        part("text/plain; charset=utf-8", FR, "8bit"),
        part("application/pkcs7-signature; name=smime.p7s", wrap76(PNG), "base64",
             "Content-Disposition: attachment; filename=smime.p7s\r\n")])
    add("multipart-signed", MIME + 'Content-Type: multipart/signed; protocol="application/'
        'pkcs7-signature"; micalg=sha-256; boundary="sig-1"\r\n', signed, "skip signed")
    inner_signed = multipart("mixed", "list-1", [
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s2\r\n\r\n" +
        multipart("signed", "s2", [part("text/plain; charset=utf-8", FR, "8bit"),
                                   part("application/pgp-signature", "-----BEGIN PGP SIGNATURE-----\r\n"
                                        "x\r\n-----END PGP SIGNATURE-----\r\n")]),
        part("text/plain; charset=us-ascii", "-- \r\nlist footer\r\n", "7bit")])
    add("signed-inside-mixed", MIME + "Content-Type: multipart/mixed; boundary=list-1\r\n",
        inner_signed, "skip signed")
    enc = multipart("encrypted", "enc-1", [
        part("application/pgp-encrypted", "Version: 1\r\n"),
        part("application/octet-stream", "-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n"
             "-----END PGP MESSAGE-----\r\n")])
    add("multipart-encrypted", MIME + 'Content-Type: multipart/encrypted; protocol="application/'
        'pgp-encrypted"; boundary=enc-1\r\n', enc, "skip signed")
    add("smime-pkcs7", MIME + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data;"
        " name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n", wrap76(PDF) + CRLF, "skip signed")
    add("malformed-no-boundary", MIME + "Content-Type: multipart/alternative\r\n",
        "--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n", "skip malformed")
    add("malformed-part-header", MIME + "Content-Type: multipart/mixed; boundary=b\r\n",
        "--b\r\nContent-Type: text/plain\r\nthis line is no field\r\n--b--\r\n", "skip malformed")
    add("malformed-base64", MIME + "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n", "SGVsbG8g!!d29ybGQ=\r\n", "skip encoding")
    add("malformed-two-ctypes", MIME + "Content-Type: multipart/mixed; boundary=b\r\n",
        "--b\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\nhi\r\n--b--\r\n",
        "skip malformed")
    add("unclosed-multipart", MIME + "Content-Type: multipart/alternative; boundary=u\r\n",
        multipart("alternative", "u", [part("text/plain; charset=utf-8", FR, "8bit"),
                                       part("text/html; charset=utf-8", HTML, "8bit")],
                  close=False), "changed plain html")
    apple = multipart("mixed", "apple", [
        part("text/html; charset=utf-8", "<html><body><p>Voir :</p></body></html>\r\n", "7bit"),
        part("image/png", wrap76(PNG), "base64", "Content-Disposition: inline; filename=a.png\r\n"),
        part("text/html; charset=utf-8", "<html><body><p>Merci</p></body></html>\r\n", "7bit")])
    add("apple-inline-fragments", MIME + "Content-Type: multipart/mixed; boundary=apple\r\n",
        apple, "changed html")
    add("attachment-only", MIME + "Content-Type: application/pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n", wrap76(PDF) + CRLF, "skip no-text")
    add("unknown-charset-8bit", MIME + "Content-Type: text/plain; charset=x-made-up\r\n"
        "Content-Transfer-Encoding: 8bit\r\n", FR, "skip encoding")
    return out


def expected_kinds(expected):
    """("changed", ["plain", "html"]) or ("skip", [reason])"""
    words = expected.split()
    return words[0], words[1:]
