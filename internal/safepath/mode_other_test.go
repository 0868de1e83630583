//go:build !linux

package safepath

import "testing"

func forEachMode(t *testing.T, test func(t *testing.T)) { test(t) }
