"""tap - what the Python tests share, as tests/tap.sh does for the shell
ones: numbered TAP lines, failures counted, and on a failure its
diagnostics as "# " lines (the first 20 of a list; the last 20 lines of a
text, where an output says what went wrong). The plan comes last.

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import tap
    tap.ok(cond, "what it proves", diag)
    return tap.plan()
"""
import sys

n = 0
failed = 0


def ok(cond, what, diag=(), skip=None):
    """one TAP line for cond; skip: the reason it was not tried"""
    global n, failed
    n += 1
    if skip:
        print(f"ok {n} - {what} # SKIP {skip}")
        sys.stdout.flush()
        return True
    print(("ok" if cond else "not ok") + f" {n} - {what}")
    if not cond:
        failed += 1
        lines = str(diag).splitlines()[-20:] if isinstance(diag, str) else list(diag)[:20]
        for line in lines:
            print("# " + str(line))
    sys.stdout.flush()
    return cond


def plan():
    """the plan line; the exit status: 1 when a test failed"""
    print(f"1..{n}")
    return 1 if failed else 0
