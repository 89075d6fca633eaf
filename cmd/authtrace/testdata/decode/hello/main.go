// Command hello is the floor for BenchmarkDecodeProcess: a Go program that
// starts, prints a line and exits.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
