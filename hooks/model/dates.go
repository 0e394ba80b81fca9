package model

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

// dbDate writes t the way PocketBase stores dates, so that text comparison
// in SQL orders them correctly.
func DBDate(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}

func ParseDBDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time()
}

// ParseDBTime reads a stored date; the common layout is parsed directly
// (thousands of rows), anything else through PocketBase's parser.
func ParseDBTime(s string) time.Time {
	if t, err := time.Parse(types.DefaultDateLayout, s); err == nil {
		return t
	}
	dt, _ := types.ParseDateTime(s)
	return dt.Time()
}

// jsonList reads a multi-valued field as stored (a JSON array).
func JSONList(s string) []string {
	if s == "" || s == "[]" || s == "null" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil
	}
	return out
}
