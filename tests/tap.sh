# tap.sh - what the shell tests share: sourced, it counts tests in n and
# failures in fails, and t DESCRIPTION CONDITION prints one TAP line for
# CONDITION (a shell expression, evaluated).
n=0 fails=0
t() { # description condition
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fails=$((fails + 1)); fi
}
