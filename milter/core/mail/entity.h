/*
 * entity - HTML character references: numeric ones by the HTML5 rules, and
 * the named ones mail uses (Latin-1, Greek, typography, the invisible ones,
 * and the HTML5 punctuation names used to hide URLs: &colon; &sol; &period;
 * &commat;). An unknown name is not a reference and stays text.
 */
#ifndef VIGIE_ENTITY_H
#define VIGIE_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENTITY_NAME_MAX 32

uint32_t entity_numeric(uint64_t value);
bool entity_named(const char *name, size_t len, uint32_t *cp, bool *legacy);
size_t entity_legacy_prefix(const char *name, size_t len, uint32_t *cp);

#endif
