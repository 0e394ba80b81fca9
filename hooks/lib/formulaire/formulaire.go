// Package formulaire holds what every form shares, without HTTP: the
// French messages next to the fields, the choices of a list and the
// description of one field as the templates draw it.
package formulaire

import (
	"strings"
)

// Erreurs maps a field name to its French message.
type Erreurs map[string]string

// Option is one choice of a list or a group of buttons.
type Option struct {
	Value, Label string
	Selected     bool
}

// Champ is one field as the form templates draw it: its label, value,
// help, error and choices.
type Champ struct {
	Name, ID, Label, Value, Error, Help, Type string
	Required, Buttons                         bool
	Autocomplete, Inputmode, Min, Max, Step   string
	Placeholder, EmptyLabel                   string
	Options                                   []Option
}

// DescribedBy lists the ids of the help and error texts of the field.
func (f *Champ) DescribedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, "aide-"+f.ID)
	}
	if f.Error != "" {
		ids = append(ids, "erreur-"+f.ID)
	}
	return strings.Join(ids, " ")
}

// Contient tells whether value is one of the choices of opts.
func Contient(opts []Option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}
