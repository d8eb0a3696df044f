# debpkg.sh - sourced by the tests that need the Debian package (debian.sh,
# deploy.sh): "make deb" runs once per build of the tree, under a lock, and
# the package is shared; it is made again when the programs or what the
# package ships (contrib/, docs/) are newer than it.
#
#   debpkg_build - sets deb (the .deb), debpkg_rc (make's status),
#                  debpkg_log (its output), debpkg_how ("built in N s", or
#                  "shared": another test built it)
debpkg_build() {
	debpkg_dir=$top_builddir/tests/ops/deb-cache
	debpkg_log=$debpkg_dir/build.log
	mkdir -p "$debpkg_dir"
	debpkg_start=$(date +%s)
	(
		flock 9
		old=$(ls "$debpkg_dir"/vigie_*_*.deb 2> /dev/null | head -n 1)
		if [ -n "$old" ] && [ ! "$top_builddir/milter/vigie" -nt "$old" ] &&
		   [ ! "$top_builddir/milter/vigie-check" -nt "$old" ] &&
		   [ -z "$(find "$top_srcdir/contrib" "$top_srcdir/docs" -newer "$old" -print -quit)" ]; then
			exit 100
		fi
		rm -f "$debpkg_dir"/vigie_* "$debpkg_dir"/vigie-dbgsym_*
		"${MAKE:-make}" -s -C "$top_builddir" deb DEB_OUT="$debpkg_dir" > "$debpkg_log" 2>&1
	) 9> "$debpkg_dir/.lock"
	debpkg_rc=$?
	debpkg_how="built in $(( $(date +%s) - debpkg_start )) s"
	if [ "$debpkg_rc" = 100 ]; then
		debpkg_rc=0 debpkg_how=shared
	fi
	deb=$(ls "$debpkg_dir"/vigie_*_*.deb 2> /dev/null | head -n 1)
}
