package model

import (
	"fmt"
	"io"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

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

// structureLogo reads the structure's logo file, or nil: an unreadable logo
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

// readStoredFile reads a file of a record's file field from the storage
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
