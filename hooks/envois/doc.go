// Package envois sends every message Atelier sends (e-mail, SMS), records
// it in the envois collection before and after sending, and retries what
// failed. Links in messages come from the configured Application URL.
package envois
