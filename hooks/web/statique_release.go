//go:build !bench

package web

import "github.com/pocketbase/pocketbase/core"

// RegisterBenchStatic adds nothing to a release build: only make bench's
// own build serves its baseline file (statique_bench.go).
func RegisterBenchStatic(*core.ServeEvent) {}
