// Package journal is the audit log of every read or change of a person's
// data: writing an entry in the same transaction as the change, guarding
// the collection, and reading it back for coordinateurs.
package journal
