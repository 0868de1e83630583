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
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		return 0, nil, err
	}
	var names []string
	for name, pkg := range pkgs {
		if strings.HasSuffix(name, "_test") || name == "main" {
			continue
		}
		for _, f := range pkg.Files {
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
					recv := receiver(d.Recv.List[0].Type)
					if ast.IsExported(recv) {
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
		}
	}
	sort.Strings(names)
	return len(names), names, nil
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
