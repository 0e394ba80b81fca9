// Package beneficiaires is the person as staff type them (checks, consent,
// search by name or phone) and the merge of duplicates. Access is decided
// by the caller (hooks/access); this package never reads the request.
package beneficiaires
