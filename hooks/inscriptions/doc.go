// Package inscriptions holds the registration rules: the public form's
// decision (confirmed or waiting list) in one write transaction, staff
// registrations, promotion from the waiting list, cancellation, attendance,
// walk-ins and closing a session. No HTTP here.
package inscriptions
