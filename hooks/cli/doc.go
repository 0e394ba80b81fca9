// Package cli holds Atelier's own command-line verbs, next to
// PocketBase's: demo, rapports generer and rgpd retention.
package cli
