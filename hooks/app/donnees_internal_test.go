package app

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite"
)

// In dev mode the terminal shows each SQL statement, but not the values
// bound to it: names, phones, personal links' tokens.
func TestDevModeSQLLogsMaskValues(t *testing.T) {
	db, err := dbx.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	maskSQLLogs(db)
	var out bytes.Buffer
	log.SetOutput(&out)
	defer log.SetOutput(os.Stderr)
	if _, err := db.NewQuery("SELECT {:nom}, {:jeton}").Bind(dbx.Params{"nom": "Secretnom", "jeton": "Ab12Cd34"}).Execute(); err != nil {
		t.Fatal(err)
	}
	printed := out.String()
	if !strings.Contains(printed, "SELECT 'MASQUE', 'MASQUE'") || strings.Contains(printed, "Secretnom") || strings.Contains(printed, "Ab12Cd34") {
		t.Errorf("dev SQL log: %q", printed)
	}
}
