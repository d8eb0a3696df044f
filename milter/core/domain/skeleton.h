/*
 * skeleton - matching keys for names that may be written to deceive.
 *
 * A key is what a name looks like, not what it says: UTS #39 confusable
 * skeletons (ICU uspoof), plus what ICU leaves out: case folding, diacritics
 * dropped (NFD, nonspacing marks removed, l-stroke to l...), invisible code
 * points removed, a supplementary confusable map (Chromium's, plus the glyphs
 * dnstwist uses), i/l/1 as one letter, and rn read as m. Two
 * names with the same key look alike; keys are for comparing, never for
 * showing. The checker is built once and is then read-only and thread-safe.
 */
#ifndef VIGIE_SKELETON_H
#define VIGIE_SKELETON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vbuf.h"

#define SKELETON_KEY_MAX 1024	/* bytes of one key (UTF-8), NUL excluded */
#define SKELETON_CP_MAX 24	/* bytes of the key of one code point */

/* What a code point of free text is to a key. */
enum skeleton_class {
	SKELETON_LETTER,	/* a letter, digit or a symbol read as one */
	SKELETON_INVISIBLE,	/* default ignorable: vanishes without a trace */
	SKELETON_SEPARATOR	/* ends a word: spaces, punctuation */
};

struct skeleton;

/* What UTS #39 says about one label. */
struct skeleton_check {
	bool mixed_script;	/* restriction level looser than highly restrictive */
	bool mixed_numbers;	/* digits from more than one numbering system */
	bool invisible;		/* invisible or repeated nonspacing marks */
	int scripts;		/* distinct scripts, Common and Inherited excluded */
	char script_names[96];	/* "Latin, Cyrillic" */
	const char *single;	/* the only script, when scripts == 1; else NULL */
};

struct skeleton *skeleton_new(char *err, size_t errlen);
void skeleton_free(struct skeleton *sk);
int skeleton_key(const struct skeleton *sk, const char *utf8, size_t len,
		 char *key, size_t keymax);
bool skeleton_fold_text(const struct skeleton *sk, const char *utf8, size_t len,
			struct vbuf *out);
size_t skeleton_fold_cp(const struct skeleton *sk, uint32_t cp, char *key,
			enum skeleton_class *cls);
size_t skeleton_pairs(char *s, size_t len);
bool skeleton_check_label(const struct skeleton *sk, const char *utf8, size_t len,
			  struct skeleton_check *res);
bool skeleton_is_ignorable(unsigned cp);

#endif
