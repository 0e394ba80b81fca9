package model

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

func PersonName(r *core.Record) string {
	return strings.TrimSpace(r.GetString("prenom") + " " + r.GetString("nom"))
}
