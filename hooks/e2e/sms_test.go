package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The real binary, told by its environment to use a generic SMS gateway,
// texts the reminder of a person who gave only a mobile number as soon as
// it starts. Not parallel: it sets the environment the server inherits.
func TestReminderSMSReachesTheGatewayOfTheEnvironment(t *testing.T) {
	const mobile = "+33699887766"
	received := make(chan map[string]string, 100)
	var mu sync.Mutex
	var auth []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		received <- body
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"passerelle-` + body["reference"] + `"}`))
	}))
	defer gw.Close()

	dir := t.TempDir()
	if _, err := Run(dir, "demo"); err != nil {
		t.Fatal(err)
	}
	db := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := db.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer db.ResetBootstrapState()
	// Demo registrations already due would be texted too: only ours counts.
	if _, err := db.DB().NewQuery("UPDATE inscriptions SET rappel_envoye_le = {:now} WHERE coalesce(rappel_envoye_le, '') = ''").
		Bind(dbx.Params{"now": types.NowDateTime().String()}).Execute(); err != nil {
		t.Fatal(err)
	}
	model, err := db.FindFirstRecordByFilter("seances", "publique = true && statut = 'planifiee'")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	debut, _ := types.ParseDateTime(start)
	fin, _ := types.ParseDateTime(start.Add(2 * time.Hour))
	seance := save(t, db, "seances", map[string]any{"atelier": model.GetString("atelier"), "structure": model.GetString("structure"),
		"lieu": model.GetString("lieu"), "debut": debut, "fin": fin, "capacite": 8, "statut": "planifiee", "publique": true})
	person := save(t, db, "beneficiaires", map[string]any{"structure": model.GetString("structure"), "prenom": "Paulette",
		"nom": "Sans-Courriel", "telephone": mobile})
	inscription := save(t, db, "inscriptions", map[string]any{"seance": seance.Id, "beneficiaire": person.Id, "statut": "inscrit", "source": "conseiller"})
	// Registered a week ago: the reminder is due 48 hours before.
	if _, err := db.DB().Update("inscriptions", dbx.Params{"created": types.NowDateTime().Add(-7 * 24 * time.Hour).String()},
		dbx.HashExp{"id": inscription.Id}).Execute(); err != nil {
		t.Fatal(err)
	}

	t.Setenv("ATELIER_SMS_URL", gw.URL+"/sms")
	t.Setenv("ATELIER_SMS_TOKEN", "jeton-e2e")
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	select {
	case body := <-received:
		if body["to"] != mobile || body["reference"] == "" {
			t.Errorf("SMS %v", body)
		}
		if len(body["text"]) < 20 {
			t.Errorf("text %q", body["text"])
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no SMS reached the gateway\n%s", srv.Logs())
	}
	mu.Lock()
	if auth[0] != "Bearer jeton-e2e" {
		t.Errorf("authorization %q", auth[0])
	}
	mu.Unlock()
	// The server records the gateway's id on the message.
	deadline := time.Now().Add(10 * time.Second)
	for {
		envoi, err := db.FindFirstRecordByFilter("envois", "canal = 'sms' && destinataire = {:d}", dbx.Params{"d": mobile})
		if err == nil && envoi.GetString("statut") == "envoye" && envoi.GetString("fournisseur_id") == "passerelle-"+envoi.Id &&
			envoi.GetInt("sms_segments") > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("envois row: %v %v", envoi, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func save(t *testing.T, db core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := db.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(fields)
	if err := db.Save(r); err != nil {
		t.Fatalf("%s: %v", collection, err)
	}
	return r
}
