// Package golden compares a test's output with a golden file in testdata/,
// and rewrites the file when the test runs with -update.
//
// Importing the package registers the -update flag, so a test package that
// uses it must not define its own:
//
//	func TestExposition(t *testing.T) {
//		got := render(…)
//		golden.Compare(t, filepath.Join("testdata", "metrics.txt"), got)
//	}
//
// and, after a deliberate change of the output:
//
//	go test -run TestExposition -update
//
// Review the diff of testdata/ before committing it: -update accepts
// whatever the code writes.
package golden
