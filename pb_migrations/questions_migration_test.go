package pb_migrations

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// The questions of a session and a registration's answers are JSON fields;
// the answers follow the registration's rules (no public read).
func TestQuestionsAndAnswersFields(t *testing.T) {
	app := newApp(t)
	for collection, field := range map[string]string{"seances": "questions", "inscriptions": "reponses"} {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := c.Fields.GetByName(field).(*core.JSONField)
		if !ok || f.MaxSize == 0 {
			t.Errorf("%s.%s: %#v", collection, field, c.Fields.GetByName(field))
		}
		if collection == "inscriptions" && (c.ListRule == nil || *c.ListRule == "" || c.ViewRule == nil || *c.ViewRule == "") {
			t.Errorf("inscriptions are readable by anyone")
		}
	}
}
