package manifest_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/msikit/msikit/manifest"
)

func ExampleBuiltin() {
	m, err := manifest.Builtin("kb977203")
	if err != nil {
		log.Fatal(err)
	}
	sp2, err := m.Variant("SP2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Name, m.VariantNames(), len(sp2.Entries))
	// The same name, three platforms; a PE reader's "IA-64" matches ia64.
	for _, e := range sp2.Lookup("ccmgencert.dll", "") {
		fmt.Println(e.Name, e.Platform, e.Version, e.Size, e.Modified.Format("2006-01-02 15:04"))
	}
	fmt.Println(len(sp2.Lookup("CCMGENCERT.DLL", "IA-64")))
	// Output:
	// KB977203 [SP1 SP2] 13
	// Ccmgencert.dll x86 4.0.6487.2111 130408 2010-01-25 06:27
	// Ccmgencert.dll ia64 4.0.6487.2111 649576 2010-01-25 06:28
	// Ccmgencert.dll x64 4.0.6487.2111 285032 2010-01-25 06:29
	// 1
}

func ExampleParse() {
	_, err := manifest.Parse(strings.NewReader(`name: demo
variants:
  RTM:
    entries:
      - name: tool.exe
        version: 1.0.0
        size: 10
        platfrom: x64
`))
	fmt.Println(err)
	// Output:
	// 6:18: invalid manifest: version "1.0.0" is not of the form a.b.c.d or n/a
	// 8:9: unknown key: "platfrom" in entry (known keys: name, path, version, size, date, time, timestamp, platform, sha256, md5)
}

func ExampleImportKB() {
	table := "### ConfigMgr 2007 SP2\n\n" +
		"File name\tFile version\tFile size\tDate\tTime\tPlatform\n" +
		"Ccmcertfix.exe\t4.0.6487.2111\t17,768\t25-Jan-2010\t06:27\tx86\n" +
		"MP.MSI\tNot applicable\t9,180,672\t25-Jan-2010\t06:28\tNot applicable\n"
	m, err := manifest.ImportKB(strings.NewReader(table))
	if err != nil {
		log.Fatal(err)
	}
	m.Name = "KB977203-part"
	if err := manifest.Write(os.Stdout, m); err != nil {
		log.Fatal(err)
	}
	// Output:
	// name: KB977203-part
	// variants:
	//   SP2:
	//     description: ConfigMgr 2007 SP2
	//     entries:
	//       - name: Ccmcertfix.exe
	//         version: 4.0.6487.2111
	//         size: 17768
	//         date: "2010-01-25"
	//         time: "06:27"
	//         platform: x86
	//       - name: MP.MSI
	//         version: n/a
	//         size: 9180672
	//         date: "2010-01-25"
	//         time: "06:28"
	//         platform: n/a
}

func ExampleDetectVariant() {
	m, _ := manifest.Builtin("kb977203")
	facts := []manifest.Fact{
		{Name: "CCMCertFix.exe", Version: "4.0.6487.2111", Platform: "x86"},
		{Name: "ccmgencert.dll", Version: "4.0.6487.2111", Platform: "IA-64"},
		{Name: "mp.msi"}, // no version: says nothing
	}
	v, scores, err := manifest.DetectVariant(m, facts)
	fmt.Println(v, scores, err)
	// Output: SP2 [{SP1 0 0} {SP2 2 0}] <nil>
}

func ExampleEntry_Matches() {
	m, _ := manifest.Builtin("kb977203")
	sp1, _ := m.Variant("sp1")
	e := sp1.Lookup("ccmgencert.dll", "x64")[0]
	fmt.Println(e.Matches(`bin\x64\CCMGENCERT.DLL`, "AMD64"), e.Matches("ccmgencert.dll", "x86"))
	fmt.Println(e.MatchesVersion("4.0.6221.1193"), e.MatchesSize(285032))
	// Output:
	// true false
	// true true
}
