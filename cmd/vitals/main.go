package main

import "github.com/vitalsgo/vitals/cmd/vitals/internal/cli"

func main() { cli.Main() }
