/*
 * bench_parsers - throughput of the message parsers on 4 KB messages, as
 * the milter would run them: rawmsg's calls -> header caps, RFC 2047,
 * addresses -> mime -> links (tests/fuzz/pipeline.h, invariant checks off).
 * Prints messages/s and MB/s per message kind and per stage, and base64
 * decoding against OpenSSL's EVP_DecodeUpdate. Not a test: numbers vary
 * with the machine and its load.
 *
 * usage: bench_parsers [SECONDS_PER_CASE]    (default 1)
 *        bench_parsers -n COUNT                (each message COUNT times, no timing:
 *                                               for instruction counts under callgrind)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "base64.h"
#include "pipeline.h"

/* now - seconds, monotonic */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* b64 - append base64 of s, in lines of 76 */
static void b64(struct vbuf *v, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 57) {
		unsigned char line[80];
		int k = EVP_EncodeBlock(line, (const unsigned char *)s + i, (int)(n - i < 57 ? n - i : 57));

		vbuf_add(v, line, (size_t)k);
		vbuf_adds(v, "\r\n");
	}
}

/* french - some French text with accents, as mail has it */
static void french(struct vbuf *v, int paragraphs, bool html)
{
	static const char *const p[] = {
		"Madame, Monsieur, suite à la mise à jour de nos services de tiers payant, "
		"nous vous remercions de vérifier vos coordonnées bancaires avant le 15 du mois.",
		"Votre espace professionnel vous permet de consulter les remboursements, "
		"les factures rejetées et l'état de vos paiements en temps réel.",
		"Pour toute question, notre service client est joignable du lundi au vendredi, "
		"de 9h à 18h, au numéro indiqué sur votre convention.",
	};

	for (int i = 0; i < paragraphs; i++)
		vbuf_printf(v, html ? "<p style=\"font-family:Arial;color:#333\">%s</p>\r\n" : "%s\r\n\r\n",
			    p[i % 3]);
}

/* message_newsletter - multipart/alternative: QP text, base64 HTML with anchors */
static void message_newsletter(struct vbuf *m)
{
	struct vbuf html = VBUF_INIT(1 << 16), text = VBUF_INIT(1 << 16);

	vbuf_adds(m, "Return-Path: <bounce-123@mail.kalixia.fr>\r\n"
		     "Received: from mx.kalixia.fr (mx.kalixia.fr [192.0.2.10])\r\n\tby mx.example.org with ESMTPS id 4Xa; Mon, 1 Jan 2024 10:00:00 +0100\r\n"
		     "From: =?utf-8?q?Kalixia_Actualit=C3=A9s?= <newsletter@kalixia.fr>\r\n"
		     "To: \"Dr Martin\" <martin@cabinet.example>\r\n"
		     "Subject: =?utf-8?b?TGVzIG5vdXZlYXV0w6lzIGR1IG1vaXM=?=\r\n"
		     "Date: Mon, 1 Jan 2024 10:00:00 +0100\r\nMessage-ID: <123@kalixia.fr>\r\n"
		     "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"=_b1\"\r\n\r\n"
		     "--=_b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	french(&text, 4, false);
	for (size_t i = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.data[i];

		if (c >= 0x80 || c == '=')
			vbuf_printf(m, "=%02X", c);
		else
			vbuf_addc(m, (char)c);
	}
	vbuf_adds(m, "https://www.kalixia.fr/actualites\r\n--=_b1\r\nContent-Type: text/html; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: base64\r\n\r\n");
	vbuf_adds(&html, "<html><body><table><tr><td>");
	french(&html, 4, true);
	for (int i = 0; i < 8; i++)
		vbuf_printf(&html, "<a href=\"https://click.kalixia.fr/c/%d?u=8841&amp;l=fr\">Lire l&rsquo;article %d</a><br>\r\n", i, i);
	vbuf_adds(&html, "</td></tr></table></body></html>\r\n");
	b64(m, html.data, html.len);
	vbuf_adds(m, "--=_b1--\r\n");
	vbuf_free(&html);
	vbuf_free(&text);
}

/* message_phish - one HTML part in QP with entities and a mismatched anchor */
static void message_phish(struct vbuf *m)
{
	vbuf_adds(m, "From: =?utf-8?q?Viam=C3=A9dis_Tiers_Payant?= <noreply@viamedis-securite.fr>\r\n"
		     "Reply-To: \"Viamedis Support\" <support.viamedis@gmail.com>\r\n"
		     "To: opticien@example.fr\r\nSubject: =?utf-8?q?V=C3=A9rification_de_votre_RIB?=\r\n"
		     "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	for (int i = 0; i < 14; i++)
		vbuf_adds(m, "<p style=3D\"margin:0\">Merci de v&eacute;rifier vos coordonn&eacute;es =\r\n"
			     "bancaires (RIB) sur votre espace s=C3=A9curis=C3=A9.</p>\r\n"
			     "<a href=3D\"https://viamedis-securite.fr/connexion\">www.viamedis.net</a>=\r\n\r\n");
}

/* message_plain - plain UTF-8 text with bare LF and a few links */
static void message_plain(struct vbuf *m)
{
	vbuf_adds(m, "From: Service clients Ameli <ne-pas-repondre@ameli-mescompte.com>\n"
		     "To: medecin@example.fr\nSubject: Remboursement en attente\n"
		     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
	while (m->len < 3900) {
		vbuf_adds(m, "Un remboursement de 84,50 € est en attente sur votre compte. Connectez-vous sur\n"
			     "ameli-mescompte.com/remboursement ou écrivez à support@ameii-support.fr.\n"
			     "Vous pouvez aussi consulter https://www.ameli.fr/assure pour plus d'informations.\n\n");
	}
}

enum stage { ST_SPLIT, ST_HEADERS, ST_FULL };

/* run - parse msg again and again for secs seconds; messages per second */
static double run(struct pipeline *p, const struct vbuf *msg, enum stage st, double secs)
{
	struct rawmsg_sink none = { NULL, NULL, NULL, NULL, NULL, NULL };
	struct rawmsg_sink heads = { pipeline_begin, pipeline_header, NULL, NULL, NULL, p };
	struct rawmsg *r = st == ST_SPLIT ? rawmsg_new(false, &none) :
			   st == ST_HEADERS ? rawmsg_new(false, &heads) : pipeline_rawmsg(p, false);
	double t0 = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < 200; i++) {
			rawmsg_feed(r, msg->data, msg->len);
			rawmsg_finish(r);
		}
		n += 200;
		t = now() - t0;
	} while (t < secs);
	rawmsg_free(r);
	return (double)n / t;
}

/* bench_base64 - MB/s of decoding 1 MB of base64 in 76-byte lines */
static void bench_base64(double secs)
{
	struct vbuf enc = VBUF_INIT(2 << 20);
	char *raw = malloc(768 * 1024), *out = malloc(1 << 20);
	double t0, t;
	long n;

	for (int i = 0; i < 768 * 1024; i++)
		raw[i] = (char)(i * 7919);
	b64(&enc, raw, 768 * 1024);
	t0 = now();
	n = 0;
	do {
		struct base64 b;

		base64_init(&b);
		base64_decode(&b, enc.data, enc.len, out);
		base64_end(&b, out);
		t = now() - t0;
		n++;
	} while (t < secs);
	printf("base64, vigie's decoder:        %7.0f MB/s of input\n", (double)n * (double)enc.len / t / 1e6);
	t0 = now();
	n = 0;
	do {
		EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
		int ol;

		EVP_DecodeInit(ctx);
		EVP_DecodeUpdate(ctx, (unsigned char *)out, &ol, (unsigned char *)enc.data, (int)enc.len);
		EVP_DecodeFinal(ctx, (unsigned char *)out, &ol);
		EVP_ENCODE_CTX_free(ctx);
		t = now() - t0;
		n++;
	} while (t < secs);
	printf("base64, OpenSSL EVP_DecodeUpdate: %5.0f MB/s of input (clean input only)\n",
	       (double)n * (double)enc.len / t / 1e6);
	free(raw);
	free(out);
	vbuf_free(&enc);
}

/* count_only - each message count times through the whole pipeline */
static int count_only(struct pipeline *p, struct vbuf *msg, int nmsg, long count)
{
	struct rawmsg *r = pipeline_rawmsg(p, false);

	for (int i = 0; i < nmsg; i++) {
		for (long k = 0; k < count; k++) {
			rawmsg_feed(r, msg[i].data, msg[i].len);
			rawmsg_finish(r);
		}
	}
	rawmsg_free(r);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct pipeline *p = pipeline_new(NULL, 1 << 20);
	struct vbuf msg[3] = { VBUF_INIT(1 << 16), VBUF_INIT(1 << 16), VBUF_INIT(1 << 16) };
	const char *name[3] = { "newsletter (QP text + base64 HTML)", "phishing (QP HTML, entities)",
				"plain text (8bit, LF)" };
	double total_rate = 0, total_bytes = 0;

	p->check = false;
	message_newsletter(&msg[0]);
	message_phish(&msg[1]);
	message_plain(&msg[2]);
	if (argc > 2 && strcmp(argv[1], "-n") == 0)
		return count_only(p, msg, 3, atol(argv[2]));
	printf("%-36s %6s %12s %9s %12s %12s\n", "message", "bytes", "full msg/s", "MB/s",
	       "split msg/s", "+hdr msg/s");
	for (int i = 0; i < 3; i++) {
		double full = run(p, &msg[i], ST_FULL, secs);
		double split = run(p, &msg[i], ST_SPLIT, secs / 2);
		double hdr = run(p, &msg[i], ST_HEADERS, secs / 2);

		printf("%-36s %6zu %12.0f %9.1f %12.0f %12.0f\n", name[i], msg[i].len, full,
		       full * (double)msg[i].len / 1e6, split, hdr);
		total_rate += 1 / full;
		total_bytes += (double)msg[i].len;
	}
	printf("mix of the three: %.0f msg/s, %.1f MB/s (one core)\n", 3 / total_rate,
	       total_bytes / total_rate / 1e6);
	bench_base64(secs / 2);
	for (int i = 0; i < 3; i++)
		vbuf_free(&msg[i]);
	pipeline_free(p);
	return 0;
}
