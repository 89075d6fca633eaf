package flow

// For the external tests (demo_test.go).
var (
	Describe    = describe
	CountSource = countSource
)
