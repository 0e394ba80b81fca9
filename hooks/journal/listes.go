package journal

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/lib/caviardage"
)

// Liste is the action of a read of several people at once: an API list,
// an expand, a search, a list page or an export.
const Liste = "liste"

// LogList records that auth read count people at once: one entry per
// request, never one per person, with what was read and how it was
// filtered, never who. structure is the people's structure when they
// share one.
func LogList(app core.App, auth *core.Record, structure string, count int, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", Liste, err)
	}
	entry := core.NewRecord(collection)
	author, name := journalAuthor(auth)
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": Liste, "structure": structure,
		"details": envois.Truncate(fmt.Sprintf("%s : %s", details, peopleCount(count)), 1000)})
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", Liste, err)
	}
	return nil
}

// SearchDetails describes a search typed by staff without what was typed
// (usually a name).
func SearchDetails(what, q string) string {
	if q == "" {
		return what
	}
	return fmt.Sprintf("%s, recherche de %d caractères", what, len([]rune(q)))
}

func peopleCount(n int) string {
	if n == 1 {
		return "1 personne"
	}
	return fmt.Sprintf("%d personnes", n)
}

// peopleCollections are the collections whose records are, or carry, a
// person: a beneficiary, their registrations (with who registered them),
// their helps, attestations and messages (an address or a phone).
var peopleCollections = map[string]bool{
	"beneficiaires": true, "inscriptions": true, "accompagnements": true, "attestations": true, "envois": true,
}

// peopleRead counts, by collection, the records of people in records and
// in everything expanded from them, and the structures they belong to.
type peopleRead struct {
	counts     map[string]int
	structures map[string]bool
}

func (p *peopleRead) add(records []*core.Record) {
	for _, r := range records {
		if r == nil {
			continue
		}
		name := r.Collection().Name
		if peopleCollections[name] && (name != "accompagnements" || r.GetString("beneficiaire") != "") {
			p.counts[name]++
			if s := r.GetString("structure"); s != "" {
				p.structures[s] = true
			}
		}
		for _, expanded := range r.Expand() {
			switch v := expanded.(type) {
			case *core.Record:
				p.add([]*core.Record{v})
			case []*core.Record:
				p.add(v)
			}
		}
	}
}

func (p *peopleRead) total() int {
	n := 0
	for _, c := range p.counts {
		n += c
	}
	return n
}

// structure is the one structure of the people read, or "".
func (p *peopleRead) structure() string {
	if len(p.structures) != 1 {
		return ""
	}
	for s := range p.structures {
		return s
	}
	return ""
}

// details says which records the API answered and how they were asked
// for; filter values are masked, they are often names.
func (p *peopleRead) details(e *core.RequestEvent, collection string) string {
	names := make([]string, 0, len(p.counts))
	for name := range p.counts {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, fmt.Sprintf("%s %d", name, p.counts[name]))
	}
	b := strings.Builder{}
	fmt.Fprintf(&b, "Par l'API, %s (%s)", collection, strings.Join(parts, ", "))
	q := e.Request.URL.Query()
	if f := q.Get("filter"); f != "" {
		fmt.Fprintf(&b, ", filtre %s", caviardage.SQL(f))
	}
	if x := q.Get("expand"); x != "" {
		fmt.Fprintf(&b, ", expand %s", x)
	}
	return b.String()
}

// registerBulkReadHooks journals every API answer that holds people: a
// list of a people collection, and any list or record whose expand brings
// people (a session with its registrations and their beneficiaries…).
// The entry is written once the answer is built, with its expands.
func registerBulkReadHooks(app core.App) {
	app.OnRecordsListRequest().BindFunc(func(e *core.RecordsListRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		logPeopleRead(e.RequestEvent, e.Collection.Name, e.Records)
		return nil
	})
	app.OnRecordViewRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Collection.Name == "beneficiaires" && len(e.Record.Expand()) == 0 {
			return nil // a single record, journaled as a consultation
		}
		logPeopleRead(e.RequestEvent, e.Collection.Name, []*core.Record{e.Record})
		return nil
	})
}

func logPeopleRead(e *core.RequestEvent, collection string, records []*core.Record) {
	read := &peopleRead{counts: map[string]int{}, structures: map[string]bool{}}
	read.add(records)
	if read.total() == 0 {
		return
	}
	if err := LogList(e.App, e.Auth, read.structure(), read.total(), read.details(e, collection)); err != nil {
		// The answer is sent already; the failure is for the operator.
		e.App.Logger().Error("journal", "action", Liste, "collection", collection, "error", err)
	}
}
