// Command chart lints or packages meshcheck's Helm chart with the Helm Go
// SDK, for make chart-lint and make chart-package (no helm binary needed):
//
//	chart lint DIR
//	chart package -version v1.2.3 -out bin/chart DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/meshcheck/meshcheck/hack/charttest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: chart lint DIR | chart package -version V -out DIR CHARTDIR")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("chart "+os.Args[1], flag.ExitOnError)
	version := fs.String("version", "", "meshcheck's version to stamp (package)")
	out := fs.String("out", "bin/chart", "directory of the archive (package)")
	_ = fs.Parse(os.Args[2:])
	if fs.NArg() != 1 {
		fmt.Fprintf(os.Stderr, "chart %s: want one chart directory, got %q\n", os.Args[1], fs.Args())
		os.Exit(2)
	}
	dir := fs.Arg(0)
	switch os.Args[1] {
	case "lint":
		bad, err := charttest.Lint(dir, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chart lint:", err)
			os.Exit(1)
		}
		for _, m := range bad {
			fmt.Fprintln(os.Stderr, m.Error())
		}
		if len(bad) > 0 {
			os.Exit(1)
		}
		fmt.Printf("%s: linted, no warnings\n", dir)
	case "package":
		p, err := charttest.Package(dir, *version, *out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chart package:", err)
			os.Exit(1)
		}
		fmt.Println(p)
	default:
		fmt.Fprintf(os.Stderr, "chart: unknown command %q (lint, package)\n", os.Args[1])
		os.Exit(2)
	}
}
