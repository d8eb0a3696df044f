/*
 * test_json - the JSON writer of vigie-check: escaping of any bytes and the
 * placement of commas.
 */
#include <config.h>

#include <string.h>

#include "json.h"
#include "tap.h"

static const struct {
	const char *in;
	size_t len;		/* 0: strlen */
	const char *out;
} escapes[] = {
	{ "plain", 0, "plain" },
	{ "quote\" back\\slash", 0, "quote\\\" back\\\\slash" },
	{ "nl\ncr\rtab\tbs\bff\f", 0, "nl\\ncr\\rtab\\tbs\\bff\\f" },
	{ "\x01\x1f\x7f", 0, "\\u0001\\u001f\\u007f" },
	{ "nul\0after", 9, "nul\\u0000after" },
	{ "viam\xc3\xa9" "dis", 0, "viam\xc3\xa9" "dis" },
	{ "\xd1\xb5\xd1\x96", 0, "\xd1\xb5\xd1\x96" },
	{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80" },
	{ "bad\xff", 0, "bad\\ufffd" },
	{ "cut\xc3", 0, "cut\\ufffd" },
	{ "\xed\xa0\x80", 0, "\\ufffd\\ufffd\\ufffd" },
	{ "\xc0\xaf", 0, "\\ufffd\\ufffd" },
	{ "ls\xe2\x80\xa8ps\xe2\x80\xa9", 0, "ls\\u2028ps\\u2029" },
};

START_TEST(json_escapes_any_bytes)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		struct vbuf b = VBUF_INIT(1024);
		size_t len = escapes[i].len ? escapes[i].len : strlen(escapes[i].in);

		json_escape(&b, escapes[i].in, len);
		ck_assert_msg(strcmp(vbuf_str(&b), escapes[i].out) == 0, "case %zu: %s", i, vbuf_str(&b));
		vbuf_free(&b);
	}
}
END_TEST

START_TEST(json_places_commas)
{
	struct vbuf b = VBUF_INIT(1024);
	struct json j;

	json_init(&j, &b);
	json_object_begin(&j);
	json_key(&j, "a");
	json_int(&j, -3);
	json_key(&j, "b");
	json_array_begin(&j);
	json_cstring(&j, "x");
	json_null(&j);
	json_bool(&j, true);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_key(&j, "c");
	json_cstring(&j, NULL);
	json_key(&j, "d\"");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	ck_assert_str_eq(vbuf_str(&b), "{\"a\":-3,\"b\":[\"x\",null,true,{}],\"c\":null,\"d\\\"\":[]}");
	vbuf_free(&b);
}
END_TEST

START_TEST(json_deep_nesting_is_cut_not_overrun)
{
	struct vbuf b = VBUF_INIT(1024);
	struct json j;

	json_init(&j, &b);
	for (int i = 0; i < 3 * JSON_DEPTH_MAX; i++)
		json_array_begin(&j);
	for (int i = 0; i < 3 * JSON_DEPTH_MAX; i++)
		json_array_end(&j);
	ck_assert_uint_eq(b.len, 6 * JSON_DEPTH_MAX);
	vbuf_free(&b);
}
END_TEST

/* json_suite - the cases of this file */
static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, json_escapes_any_bytes);
	tcase_add_test(tc, json_places_commas);
	tcase_add_test(tc, json_deep_nesting_is_cut_not_overrun);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tap_run(json_suite());
}
