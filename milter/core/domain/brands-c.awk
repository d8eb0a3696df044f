# brands-c.awk - turn a brand pack into a C source holding it, so that the
# programs work with no pack installed. Every byte is kept; only \ " and
# control characters are escaped.
BEGIN {
	print "/* Generated from contrib/brands.conf by milter/core/brands-c.awk: do not edit. */"
	print "#include <stddef.h>"
	print ""
	print "const char brands_builtin_text[] ="
	n = 0
}
{
	sub(/\r$/, "")
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	gsub(/\t/, "\\t")
	print "\t\"" $0 "\\n\""
	n++
}
END {
	if (n == 0)
		print "\t\"\""
	print "\t;"
	print "const size_t brands_builtin_len = sizeof(brands_builtin_text) - 1;"
}
