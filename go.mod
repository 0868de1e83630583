module github.com/msikit/msikit

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/richardlehane/mscfb v1.0.9
	github.com/spf13/pflag v1.0.10
	github.com/stretchr/testify v1.11.1
	go.yaml.in/yaml/v3 v3.0.4
	golang.org/x/sys v0.49.0
	golang.org/x/term v0.47.0
	golang.org/x/text v0.43.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/richardlehane/msoleps v1.0.3 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
