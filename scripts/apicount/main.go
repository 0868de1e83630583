// Command apicount counts a package's exported API, as issue #11 measures
// it: exported functions, exported types, and exported methods of
// exported types (constants, variables and struct fields are not
// counted). Test files are skipped.
//
//	go run ./scripts/apicount ./msi ./msi/transform ./msi/patch
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	verbose := flag.Bool("v", false, "list the symbols")
	flag.Parse()
	status := 0
	for _, dir := range flag.Args() {
		n, names, err := count(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		fmt.Printf("%s\t%d\n", dir, n)
		if *verbose {
			for _, s := range names {
				fmt.Println("\t" + s)
			}
		}
	}
	os.Exit(status)
}

func count(dir string) (int, []string, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			return 0, nil, err
		}
		if f.Name.Name == "main" {
			continue
		}
		names = append(names, exported(f)...)
	}
	sort.Strings(names)
	return len(names), names, nil
}

// exported lists a file's exported functions, types, and methods of
// exported types.
func exported(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				names = append(names, "func "+d.Name.Name)
				continue
			}
			if recv := receiver(d.Recv.List[0].Type); ast.IsExported(recv) {
				names = append(names, "method "+recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.IsExported() {
					names = append(names, "type "+ts.Name.Name)
				}
			}
		}
	}
	return names
}

func receiver(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiver(t.X)
	case *ast.IndexExpr:
		return receiver(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}
