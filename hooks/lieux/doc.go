// Package lieux reads the places where sessions happen, checks the place
// form's values and exports the places in the national open-data schema of
// lieux de médiation numérique.
package lieux
