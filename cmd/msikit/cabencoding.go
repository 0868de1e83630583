package main

import (
	"github.com/msikit/msikit/cab"
	"github.com/spf13/pflag"
)

// addEncodingFlag declares --encoding on a command that reads cabinets.
func addEncodingFlag(fs *pflag.FlagSet) *string {
	return fs.String("encoding", "", "read cabinet file names stored without the UTF-8 flag in character set `NAME`, named as for cabextract -e "+
		"(CP932, SHIFT_JIS, KOI8-R, CP1251, ISO-8859-1, UTF-8, ...; any case); default WINDOWS-1252")
}

// useEncoding makes the command read cabinets, its package's and those
// found inside, with the character set --encoding names. An unknown name
// is a usage error.
func useEncoding(ctx *context, name string) error {
	if name == "" {
		return nil
	}
	opt, err := cab.NameEncoding(name)
	if err != nil {
		return usagef("--encoding: %v", err)
	}
	ctx.cabOpts = append(ctx.cabOpts, opt)
	return nil
}
