package model

import (
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"atelier/hooks/lib/pixels"
)

// checkImages refuses, in every file field of a record, a new image that
// declares too many pixels (pixels.Verifier reads its header only), on
// every way in: API, admin UI, pages. A logo is later decoded for its
// thumbnail and for attestations; refused here, it never is.
func checkImages(r *core.Record) error {
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		if _, ok := f.(*core.FileField); !ok {
			continue
		}
		for _, file := range r.GetUnsavedFiles(f.GetName()) {
			if err := checkImage(file); err != nil {
				errs[f.GetName()] = FrenchError("image", err.Error())
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func checkImage(file *filesystem.File) error {
	r, err := file.Reader.Open()
	if err != nil {
		return fmt.Errorf("open upload %s: %w", file.OriginalName, err)
	}
	defer r.Close()
	return pixels.Verifier(r)
}

// OversizedImage tells whether a stored file is an image declaring too
// many pixels (uploaded before the limit), reading its header only: such
// a file gets no thumbnail.
func OversizedImage(app core.App, record *core.Record, name string) (bool, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return false, fmt.Errorf("open storage: %w", err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(record.BaseFilesPath() + "/" + name)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", name, err)
	}
	defer r.Close()
	largeur, hauteur, known, err := pixels.Taille(r)
	if err != nil {
		return known, nil // unreadable: nothing can decode it either, no thumbnail
	}
	return known && pixels.TropGrande(largeur, hauteur), nil
}
