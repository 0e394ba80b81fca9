// Package attestations issues, stores, revokes and draws attendance
// attestations (PDF with a verification code and QR code), and reads a
// person's attestations for their profile. No HTTP here.
package attestations
