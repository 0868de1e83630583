package verify

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The JUnit XML shape CI systems (Jenkins, GitLab, GitHub test reporters)
// read: testsuites > testsuite > testcase, a failure element on a failed
// case.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  string          `xml:"system-out,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit writes the reports as JUnit XML: per source a testsuite
// named "MANIFEST VARIANT: SOURCE" with one testcase per entry of the
// variant (named by the entry: "Ccmgencert.dll (x64)"), failed with a
// message naming the file and each mismatch, the failure's type listing
// the mismatched fields ("size,version"). Extra files, when there are
// any, make a second testsuite, "... extra files", with one failed
// testcase per file (passed when extras are allowed), so the variant's
// suite always has exactly one testcase per entry.
func WriteJUnit(w io.Writer, reports []*Report) error {
	doc := junitSuites{Name: "msikit verify"}
	for _, r := range reports {
		class := strings.ReplaceAll(r.Manifest+"."+r.Variant, " ", "_")
		props := []junitProperty{{"manifest", r.Manifest}, {"variant", r.Variant}, {"source", r.Source}, {"kind", r.Kind},
			{"variant_detected", fmt.Sprint(r.Detected)}}
		if r.Detected {
			props = append(props, junitProperty{"variant_scores", scoreText(r.Scores)})
		}
		s := junitSuite{Name: r.Title(), Properties: props, SystemOut: strings.Join(r.Notes, "\n")}
		for _, res := range r.Results {
			c := junitCase{Name: res.Entry.String(), Classname: class}
			if res.File != nil {
				c.SystemOut = res.File.Where()
			}
			if res.Status != StatusOK {
				c.Failure = failure(res.File, res.Mismatches)
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
		if len(r.Extra) > 0 {
			x := junitSuite{Name: r.Title() + ": extra files", Properties: props}
			for _, f := range r.Extra {
				c := junitCase{Name: f.Where(), Classname: class + ".extra"}
				ms := r.ExtraMismatches(f)
				if r.AllowExtra {
					c.SystemOut = joinMessages(ms)
				} else {
					c.Failure = failure(f, ms)
					x.Failures++
				}
				x.Cases = append(x.Cases, c)
			}
			x.Tests = len(x.Cases)
			doc.Suites = append(doc.Suites, x)
		}
		if len(r.Signatures) > 0 {
			// A suite of its own, as the extra files: the variant's has
			// one testcase per entry.
			x := junitSuite{Name: r.Title() + ": signatures", Properties: props}
			for _, sig := range r.Signatures {
				c := junitCase{Name: sig.Path, Classname: class + ".signature", SystemOut: sig.text()}
				if sig.Fails() {
					c.Failure = &junitFailure{Message: sig.Path + ": " + sig.text(), Type: "signature", Text: sig.text() + "\n"}
					x.Failures++
				}
				x.Cases = append(x.Cases, c)
			}
			x.Tests = len(x.Cases)
			doc.Suites = append(doc.Suites, x)
		}
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failure is the failure element of a case: the message names the file
// and says every mismatch on one line; the type lists the fields; the
// text gives expected and found, one mismatch per line.
func failure(f *File, ms []Mismatch) *junitFailure {
	fields := make([]string, len(ms))
	var text strings.Builder
	for i, m := range ms {
		fields[i] = m.Field
		fmt.Fprintf(&text, "%s: %s", m.Field, m.Message)
		if m.Expected != "" && m.Found != "" {
			fmt.Fprintf(&text, " (expected %q, found %q)", m.Expected, m.Found)
		}
		text.WriteString("\n")
	}
	msg := joinMessages(ms)
	if f != nil {
		msg = f.Where() + ": " + msg
	}
	return &junitFailure{Message: msg, Type: strings.Join(fields, ","), Text: text.String()}
}
