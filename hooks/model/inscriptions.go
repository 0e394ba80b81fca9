package model

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// FindByToken finds a registration by its secret token; a malformed token
// is simply not found.
func FindByToken(app core.App, jeton string) (*core.Record, error) {
	if len(jeton) < 32 || len(jeton) > 64 || strings.Trim(jeton, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return nil, ErrNotFound
	}
	return app.FindFirstRecordByData("inscriptions", "jeton", jeton)
}
