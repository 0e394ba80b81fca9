package model

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/texte"
)

// StructuresOf lists the structures the staff member works in: every one
// for a coordinateur, their own for anyone else (none for nil). They come
// by name as people read it (texte.Plier: « Écrivains » before « France »),
// then by id. This is the one list behind every « my structures » choice.
func StructuresOf(app core.App, staff *StaffView) ([]*core.Record, error) {
	var records []*core.Record
	var err error
	switch {
	case staff == nil:
		return nil, nil
	case staff.Coordinateur():
		records, err = app.FindAllRecords("structures")
	case len(staff.Structures) == 0:
		return nil, nil
	default:
		records, err = app.FindRecordsByIds("structures", staff.Structures)
	}
	if err != nil {
		return nil, fmt.Errorf("structures of %s: %w", staff.ID, err)
	}
	slices.SortFunc(records, func(a, b *core.Record) int {
		return cmp.Or(strings.Compare(texte.Plier(a.GetString("nom")), texte.Plier(b.GetString("nom"))),
			strings.Compare(a.Id, b.Id))
	})
	return records, nil
}

// StructureOptions is StructuresOf as the choices of a list (value: id,
// label: name).
func StructureOptions(app core.App, staff *StaffView) ([]formulaire.Option, error) {
	records, err := StructuresOf(app, staff)
	if err != nil {
		return nil, err
	}
	opts := make([]formulaire.Option, len(records))
	for i, r := range records {
		opts[i] = formulaire.Option{Value: r.Id, Label: r.GetString("nom")}
	}
	return opts, nil
}

func StructureAddress(structure *core.Record) []string {
	var lines []string
	if a := structure.GetString("adresse"); a != "" {
		lines = append(lines, a)
	}
	if town := strings.TrimSpace(structure.GetString("code_postal") + " " + structure.GetString("commune")); town != "" {
		lines = append(lines, town)
	}
	return lines
}

// StructureLogo reads the structure's logo file, or nil: an unreadable logo
// leaves the attestation without one rather than failing it.
func StructureLogo(app core.App, structure *core.Record) []byte {
	name := structure.GetString("logo")
	if name == "" {
		return nil
	}
	data, err := ReadStoredFile(app, structure, name)
	if err != nil {
		app.Logger().Warn("read structure logo", "structure", structure.Id, "error", err)
		return nil
	}
	return data
}

// ReadStoredFile reads a file of a record's file field from the storage
// (local disk or S3, as configured).
func ReadStoredFile(app core.App, record *core.Record, name string) ([]byte, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(record.BaseFilesPath() + "/" + name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// Referent is an active référent of a structure: who receives its monthly
// reports and hears about its staff accounts' rights.
type Referent struct {
	ID     string `db:"id"`
	Email  string `db:"email"`
	Prenom string `db:"prenom"`
}

// ReferentsOf lists the active référents of structure, by e-mail.
func ReferentsOf(app core.App, structure string) ([]Referent, error) {
	var people []Referent
	err := app.DB().Select("u.id", "u.email", "u.prenom").From("utilisateurs u").
		Where(dbx.NewExp(`u.role = 'referent' AND u.actif = TRUE AND u.email != ''
			AND EXISTS (SELECT 1 FROM json_each(u.structures) WHERE json_each.value = {:s})`, dbx.Params{"s": structure})).
		OrderBy("u.email").All(&people)
	if err != nil {
		return nil, fmt.Errorf("référents of %s: %w", structure, err)
	}
	return people, nil
}
