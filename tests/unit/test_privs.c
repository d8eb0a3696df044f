/*
 * test_privs - the one-way switch to UserID: the account named, and after
 * privs_drop (as root, in Check's forked child) every uid and gid of the
 * process is that account's, its supplementary groups are that account's,
 * it holds no capability, and nothing brings root back: setuid, seteuid,
 * setresuid, setgid, setgroups all fail, no_new_privs is set. Not root:
 * switching to another account is refused at once.
 */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"
#include "tap.h"

/* test_caps - the effective and permitted capability sets, from /proc */
static void test_caps(unsigned long long *eff, unsigned long long *prm)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];

	*eff = *prm = ~0ull;
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		sscanf(line, "CapEff: %llx", eff);
		sscanf(line, "CapPrm: %llx", prm);
	}
	fclose(fp);
}

START_TEST(userid_names_user_and_group)
{
	struct vbuf why = VBUF_INIT(256);
	struct passwd *pw = getpwnam("nobody");
	struct group *gr = getgrnam("nogroup");
	struct privs p;

	ck_assert_ptr_nonnull(pw);
	ck_assert_ptr_nonnull(gr);
	if (geteuid() != 0) {
		ck_assert(!privs_resolve("root", &p, &why));
		ck_assert_str_eq(vbuf_str(&why), "UserID root: only root can switch users");
		vbuf_free(&why);
		return;
	}
	ck_assert(privs_resolve("nobody:nogroup", &p, &why));
	ck_assert_str_eq(p.user, "nobody");
	ck_assert_int_eq(p.uid, pw->pw_uid);
	ck_assert_int_eq(p.gid, gr->gr_gid);
	ck_assert(p.change);
	ck_assert(privs_resolve(NULL, &p, &why));
	ck_assert_str_eq(p.user, PRIVS_DEFAULT_USER);
	vbuf_free(&why);
}
END_TEST

START_TEST(unknown_accounts_refused)
{
	static const char *const bad[][2] = {
		{ "no-such-user-vigie", "unknown user 'no-such-user-vigie'" },
		{ "nobody:no-such-group-vigie", "unknown group 'no-such-group-vigie'" },
		{ ":nogroup", "bad UserID ':nogroup'" },
	};
	struct privs p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct vbuf why = VBUF_INIT(256);

		ck_assert(!privs_resolve(bad[i][0], &p, &why));
		ck_assert_str_eq(vbuf_str(&why), bad[i][1]);
		vbuf_free(&why);
	}
}
END_TEST

START_TEST(root_cannot_be_regained)
{
	struct vbuf why = VBUF_INIT(256);
	uid_t r, e, s;
	gid_t rg, eg, sg, groups[64];
	unsigned long long eff, prm;
	struct privs p;
	int n;

	if (geteuid() != 0) {
		/* not root: nothing to switch, no_new_privs all the same */
		ck_assert(privs_resolve(NULL, &p, &why));
		ck_assert(!p.change);
		ck_assert(privs_drop(&p, &why));
		ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
		vbuf_free(&why);
		return;
	}
	ck_assert(privs_resolve("nobody:nogroup", &p, &why));
	ck_assert_msg(privs_drop(&p, &why), "%s", vbuf_str(&why));
	ck_assert_int_eq(getresuid(&r, &e, &s), 0);
	ck_assert(r == p.uid && e == p.uid && s == p.uid);
	ck_assert_int_eq(getresgid(&rg, &eg, &sg), 0);
	ck_assert(rg == p.gid && eg == p.gid && sg == p.gid);
	n = getgroups(64, groups);
	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++)
		ck_assert_int_ne(groups[i], 0);
	test_caps(&eff, &prm);
	ck_assert(eff == 0 && prm == 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	errno = 0;
	ck_assert_int_eq(setuid(0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(seteuid(0), -1);
	ck_assert_int_eq(setresuid(0, 0, 0), -1);
	ck_assert_int_eq(setreuid(0, 0), -1);
	ck_assert_int_eq(setgid(0), -1);
	ck_assert_int_eq(setegid(0), -1);
	groups[0] = 0;
	ck_assert_int_eq(setgroups(1, groups), -1);
	ck_assert_int_eq(geteuid(), p.uid);
	vbuf_free(&why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("privs");

	tcase_add_test(tc, userid_names_user_and_group);
	tcase_add_test(tc, unknown_accounts_refused);
	tcase_add_test(tc, root_cannot_be_regained);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
