// Package ateliers reads the workshop catalogue as staff see it: shared
// workshops and those of their structures, grouped by need, with their
// upcoming sessions, and the workshop form's values and checks.
package ateliers
