package beneficiaires

// PrivacyVersion is the version of the privacy text shown next to the
// consent box; each beneficiary records the version they accepted.
const PrivacyVersion = "2026-11"
