# SPDX-License-Identifier: GPL-2.0
#
# Turn the TAP output of one kselftest-harness program into result lines
# "pass|fail|skip PREFIX/TEST", for the host (tests/run-ksft.sh) and for
# the test VM (tests/vm/run-vm.sh) alike:
#   awk -v p=PREFIX -v rc=EXIT-STATUS -f tap2res.awk TAP-OUTPUT
# A program that reports no test at all, or exits non-zero without a
# failed test (a crash outside the harness), is a failure of its own.

# The 6.1 harness prints a skipped test without its name: take it from
# the "#  RUN name ..." line before it.
/^# +RUN +/ { name = $3; asserted = ""; next }
# The 6.1 harness runs a test's body even after its setup skipped, and
# reports the test skipped whatever the body then asserted: a skipped
# test that failed an assertion used what its setup never made.
/^# .*:[0-9]+:.*:Expected / { if (asserted == "") asserted = $0; next }
/^not ok [0-9]+ / {
	sub(/^not ok [0-9]+ /, "")
	print "fail " p "/" $0
	n++
	f++
	next
}
/^ok [0-9]+ # SKIP/ {
	sub(/^ok [0-9]+ # SKIP */, "")
	skipped(name, $0)
	next
}
# Newer harnesses name it: "ok N name # SKIP reason".
/^ok [0-9]+ .* # SKIP/ {
	sub(/^ok [0-9]+ /, "")
	why = $0
	sub(/ # SKIP .*/, "")
	sub(/.* # SKIP */, "", why)
	skipped($0, why)
	next
}
/^ok [0-9]+ / {
	sub(/^ok [0-9]+ /, "")
	print "pass " p "/" $0
	n++
	next
}
function skipped(test, why) {
	n++
	if (asserted == "") {
		print "skip " p "/" test " (" why ")"
		return
	}
	sub(/^# /, "", asserted)
	print "fail " p "/" test " (skipped, then asserted: " asserted ")"
	f++
}

END {
	if (n == 0)
		print "fail " p " (no test result, exit " rc ")"
	else if (rc != 0 && f == 0)
		print "fail " p " (exit " rc ")"
}
