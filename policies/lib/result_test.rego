package meshcheck.lib.result_test

import data.meshcheck.lib.result

test_fail_takes_the_code_from_the_package_metadata if {
	chain := [
		{"path": ["meshcheck", "rules", "x", "violation"]},
		{"path": ["meshcheck", "rules", "x"], "annotations": {"custom": {"code": "XX001"}}},
	]
	v := result.fail(chain, {"message": "m", "at": {"cluster": "c1"}})
	v.code == "XX001"
	v.message == "m"
}

test_fail_is_undefined_without_a_code if {
	not result.fail([{"path": ["p"]}], {"message": "m"})
}
