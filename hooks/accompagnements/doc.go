// Package accompagnements holds the one-to-one help (the CRA of an
// individual activity) as a conseiller types it: the quick form's values,
// their checks in plain French and what is written to the collection.
package accompagnements
