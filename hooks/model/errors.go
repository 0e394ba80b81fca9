package model

import (
	"database/sql"
	"errors"
	"io/fs"
	"net/http"

	"github.com/pocketbase/pocketbase/tools/router"
)

// ErrNotFound marks a record that exists but that the visitor may not see:
// it answers exactly like a missing one.
var ErrNotFound = errors.New("not found")

func IsNotFound(err error) bool {
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrNotFound) {
		return true
	}
	var apiErr *router.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}
