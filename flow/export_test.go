package flow

// Describe is describe for the external tests (demo_test.go).
var Describe = describe
