// Package rgpd holds the privacy rules: the privacy settings, the
// retention applied by one idempotent function that the scheduler runs
// daily and that `atelier rgpd retention [--dry-run]` runs by hand:
//   - a beneficiary with no activity for N months (and nothing ahead) is
//     anonymised (anonymisation.go): the statistics stay identical;
//   - the cancel tokens of sessions that are over are erased for everyone;
//   - the messages (envois) older than M months are deleted;
//
// and a person's rights: the export of their data and its erasure. Each
// retention batch is one transaction: a crash leaves whole batches done or
// not.
package rgpd
