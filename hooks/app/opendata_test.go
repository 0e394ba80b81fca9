package app_test

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
)

// The open data export, checked against the national « schéma des lieux de
// médiation numérique » v1.0.1 (schema.data.gouv.fr, LaMednum/
// standard-mediation-num): the rules below are copied from the schema, not
// from the code that writes the files.

var schemaColumns = []string{"id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
	"latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
	"presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
	"publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge", "dispositif_programmes_nationaux",
	"formations_labels", "autres_formations_labels", "modalites_acces", "modalites_accompagnement", "fiche_acces_libre",
	"prise_rdv"}

var schemaRequired = []string{"id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"}

var schemaPatterns = map[string]*regexp.Regexp{
	"pivot":       regexp.MustCompile(`^[a-zA-Z0-9]{9,14}$`),
	"code_postal": regexp.MustCompile(`^\d{5}$`),
	"code_insee":  regexp.MustCompile(`^([013-9]\d|2[AB1-9])\d{3}$`),
	"telephone":   regexp.MustCompile(`^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`),
	"date_maj":    regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`),
}

// schemaLists are the closed lists, values separated by "|".
var schemaLists = map[string][]string{
	"services": {"Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
		"Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique",
		"Parentalité et éducation avec le numérique", "Loisirs et créations numériques", "Compréhension du monde numérique",
		"Accès internet et matériel informatique", "Acquisition de matériel informatique à prix solidaire"},
	"itinerance":                      {"Itinérant", "Fixe"},
	"publics_specifiquement_adresses": {"Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"},
	"prise_en_charge_specifique": {"Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
		"Langues étrangères (anglais)", "Langues étrangères (autres)", "Déficience visuelle"},
	"frais_a_charge": {"Gratuit", "Gratuit sous condition", "Payant"},
	"dispositif_programmes_nationaux": {"Aidants Connect", "Bibliothèques numérique de référence", "Certification PIX",
		"Conseillers numériques", "Emmaüs Connect", "France Services", "Grande école du numérique", "La Croix Rouge",
		"Point d'accès numérique CAF", "Promeneurs du net", "Relais numérique (Emmaüs Connect)"},
	"modalites_acces": {"Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne",
		"Ce lieu n'accueille pas de public", "Envoyer un mail avec une fiche de prescription"},
	"modalites_accompagnement": {"En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"},
	// typologies de structures of data.inclusion, as the national map's library lists them
	"typologie": {"ACI", "ACIPHC", "AFPA", "AI", "ASE", "ASSO", "ASSO_CHOMEUR", "Autre", "AVIP", "BIB", "CAARUD", "CADA", "CAF",
		"CAP_EMPLOI", "CAVA", "CC", "CCAS", "CCONS", "CD", "CDAS", "CFP", "CHRS", "CHU", "CIAS", "CIDFF", "CITMET", "CMP", "CMS",
		"CPAM", "CPH", "CS", "CSAPA", "CSC", "DEETS", "DEPT", "DIPLP", "E2C", "EA", "EATT", "EI", "EITI", "ENM", "EPCI", "EPI",
		"EPIDE", "EPN", "ES", "ESAT", "ESS", "ETTI", "EVS", "FABLAB", "FABRIQUE", "FAIS", "FT", "GEIQ", "HUDA", "LA_POSTE", "MDE",
		"MDH", "MDEF", "MDPH", "MDS", "MJC", "ML", "MQ", "MSA", "MSAP", "MUNI", "OACAS", "ODC", "OF", "OIL", "OPCS", "PAD",
		"PENSION", "PI", "PIJ_BIJ", "PIMMS", "PJJ", "PLIE", "PREF", "PREVENTION", "REG", "RELAIS_LECTURE", "RESSOURCERIE", "RFS",
		"RS_FJT", "SCP", "SPIP", "TIERS_LIEUX", "UDAF"},
}

// validateLieu checks one place (every field as a string) against the schema.
func validateLieu(l map[string]string) []string {
	var errs []string
	for _, f := range schemaRequired {
		if strings.TrimSpace(l[f]) == "" {
			errs = append(errs, "champ obligatoire vide : "+f)
		}
	}
	for f, re := range schemaPatterns {
		if v := l[f]; v != "" && !re.MatchString(v) {
			errs = append(errs, fmt.Sprintf("%s = %q ne suit pas le motif", f, v))
		}
	}
	if d := l["date_maj"]; d != "" {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			errs = append(errs, "date_maj invalide : "+d)
		}
	}
	for f, values := range schemaLists {
		if v := l[f]; v != "" {
			for _, part := range strings.Split(v, "|") {
				if !slices.Contains(values, part) {
					errs = append(errs, fmt.Sprintf("%s : valeur %q hors de la liste", f, part))
				}
			}
		}
	}
	for f, limit := range map[string]float64{"latitude": 90, "longitude": 180} {
		if v := l[f]; v != "" {
			if x, err := strconv.ParseFloat(v, 64); err != nil || x < -limit || x > limit {
				errs = append(errs, f+" invalide : "+v)
			}
		}
	}
	if len([]rune(l["presentation_resume"])) > 280 {
		errs = append(errs, "presentation_resume dépasse 280 caractères")
	}
	return errs
}

func fillOpenDataFixture(t *testing.T, s *site) {
	t.Helper()
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"siret": "21860194200019", "typologie": []string{"BIB", "MUNI"},
		"adresse": "4 rue de l'Université", "code_postal": "86000", "code_insee": "86194", "telephone": "+33549525252",
		"courriel": "mediatheque@alpha.example", "site_web": "https://alpha.example", "horaires": "Tu-Sa 10:00-18:00",
		"presentation": "La médiathèque propose des ateliers numériques gratuits."})
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"adresse": "12 place du Marché", "code_postal": "86000",
		"code_insee": "86194", "latitude": 46.5802, "longitude": 0.3404, "accessibilite": "De plain-pied"})
	// the annex is at the structure's own address: one line, not two
	setFields(t, s.app, "lieux", testkit.LieuA2, map[string]any{"adresse": "4 rue de l'Université", "code_postal": "86000"})
	setFields(t, s.app, "structures", testkit.StructureB, map[string]any{"typologie": []string{"RFS"}, "horaires": "Le lundi matin",
		"adresse": "1 rue de Paris", "code_postal": "97400", "code_insee": "97411", "telephone": "+262262000000"})
	benefRecord(t, s.app, "accompagnements", map[string]any{"conseiller": testkit.ID(testkit.ConseillerA),
		"structure": testkit.ID(testkit.StructureA), "date": dbTime(testkit.Now().AddDate(0, -1, 0)), "duree_minutes": 30,
		"type_lieu": "a_distance", "thematiques": []string{"securite_numerique"}})
	// date_maj is the latest update of the structure and its place, as a
	// Paris date: pin both, the place's late in a UTC evening.
	for collection, at := range map[string]time.Time{"structures": structureUpdated(), "lieux": lieuUpdated()} {
		name := map[string]string{"structures": testkit.StructureA, "lieux": testkit.LieuA}[collection]
		_, err := s.app.DB().NewQuery("UPDATE " + collection + " SET updated = {:at} WHERE id = {:id}").
			Bind(dbx.Params{"at": dbTime(at), "id": testkit.ID(name)}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func structureUpdated() time.Time { return testkit.Now().UTC().AddDate(0, 0, -10) }

func lieuUpdated() time.Time {
	now := testkit.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 23, 30, 0, 0, time.UTC).AddDate(0, 0, -2)
}

func fetch(t *testing.T, s *site, path string, gz bool) (*httptest.ResponseRecorder, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		r, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(r); err != nil {
			t.Fatal(err)
		}
	}
	return rec, string(body)
}

func TestOpenDataFollowsTheNationalSchema(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fillOpenDataFixture(t, s)

	rec, body := fetch(t, s, "/donnees/lieux.json", true)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("json: %d %v", rec.Code, rec.Header())
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	byID := map[string]map[string]string{}
	for _, r := range raw {
		l := map[string]string{}
		for k, v := range r {
			if !slices.Contains(schemaColumns, k) {
				t.Errorf("field %q is not in the schema", k)
			}
			switch x := v.(type) {
			case string:
				l[k] = x
			case float64:
				l[k] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				t.Errorf("%s: %T is neither a string nor a number", k, v)
			}
		}
		for _, e := range validateLieu(l) {
			t.Errorf("%s: %s", l["id"], e)
		}
		if byID[l["id"]] != nil {
			t.Errorf("id %s twice", l["id"])
		}
		byID[l["id"]] = l
	}
	// Places of A (the annex shares the structure's address, so the
	// structure has no line of its own), B's own address (its place has
	// none), and nothing of C (no address).
	lieuA, annexe, b := byID[testkit.ID(testkit.LieuA)], byID[testkit.ID(testkit.LieuA2)], byID[testkit.ID(testkit.StructureB)]
	if len(byID) != 3 || lieuA == nil || annexe == nil || b == nil {
		t.Fatalf("lines = %v", keys(byID))
	}
	want := map[string]string{"pivot": "21860194200019", "nom": "Médiathèque Alpha – Salle Alpha", "adresse": "12 place du Marché",
		"commune": "Poitiers", "code_postal": "86000", "code_insee": "86194", "latitude": "46.5802", "longitude": "0.3404",
		"typologie": "BIB|MUNI", "telephone": "+33549525252", "courriels": "mediatheque@alpha.example", "site_web": "https://alpha.example",
		"horaires": "Tu-Sa 10:00-18:00", "structure_parente": "Médiathèque Alpha", "frais_a_charge": "Gratuit",
		"services":                 "Maîtrise des outils numériques du quotidien|Utilisation sécurisée du numérique",
		"modalites_accompagnement": "Dans un atelier collectif|Accompagnement individuel|À distance",
		"modalites_acces":          "Téléphoner|Contacter par mail", "dispositif_programmes_nationaux": "Conseillers numériques",
		"presentation_resume": "La médiathèque propose des ateliers numériques gratuits.", "presentation_detail": "Accès : De plain-pied",
		"date_maj": lieuUpdated().In(paris).Format("2006-01-02"), "source": "Atelier", "prise_rdv": testkit.AppURL + "/s/mediatheque-alpha"}
	for field, v := range want {
		if lieuA[field] != v {
			t.Errorf("place A %s = %q, want %q", field, lieuA[field], v)
		}
	}
	if b["pivot"] != "00000000000000" || b["horaires"] != "" || b["presentation_detail"] != "Horaires : Le lundi matin" ||
		b["dispositif_programmes_nationaux"] != "Conseillers numériques|France Services" || b["telephone"] != "+262262000000" {
		t.Errorf("structure B = %v", b)
	}
	for _, secret := range secretsOfFixture {
		if strings.Contains(body, secret) {
			t.Errorf("the export holds %q", secret)
		}
	}

	// The CSV says the same, with the schema's columns in its order.
	rec, body = fetch(t, s, "/donnees/lieux.csv", false)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], schemaColumns) {
		t.Fatalf("csv header = %v", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("csv has %d lines", len(rows))
	}
	for _, row := range rows[1:] {
		l := map[string]string{}
		for i, c := range schemaColumns {
			l[c] = row[i]
		}
		for _, e := range validateLieu(l) {
			t.Errorf("csv %s: %s", l["id"], e)
		}
		for field, v := range byID[l["id"]] {
			if l[field] != v {
				t.Errorf("csv %s %s = %q, json %q", l["id"], field, l[field], v)
			}
		}
	}
}

// The files are kept in memory, and follow a change of a place at once.
func TestOpenDataFollowsWrites(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fillOpenDataFixture(t, s)
	_, first := fetch(t, s, "/donnees/lieux.json", false)
	if _, again := fetch(t, s, "/donnees/lieux.json", true); again != first {
		t.Error("the cached copy differs")
	}
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"nom": "Salle Renommée"})
	if _, after := fetch(t, s, "/donnees/lieux.json", false); !strings.Contains(after, "Médiathèque Alpha – Salle Renommée") {
		t.Error("the export did not follow the change")
	}
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"nom": "Médiathèque Renommée"})
	if _, after := fetch(t, s, "/donnees/lieux.csv", false); !strings.Contains(after, "Médiathèque Renommée – Salle Renommée") {
		t.Error("the csv did not follow the change")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The public privacy routes answer the same to everybody, signed in or not.
func TestPublicPrivacyRoutesForEveryRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fillOpenDataFixture(t, s)
	cookies := map[string]string{"anonyme": ""}
	for _, name := range []string{testkit.ConseillerA, testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur} {
		cookies[name] = s.signIn(name)
	}
	for _, path := range []string{"/confidentialite", "/donnees/lieux.json", "/donnees/lieux.csv"} {
		var first string
		for who, cookie := range cookies {
			rec := s.getAs(cookie, path)
			if rec.Code != http.StatusOK {
				t.Errorf("%s %s: %d", who, path, rec.Code)
			}
			body := rec.Body.String()
			if path != "/confidentialite" {
				if first == "" {
					first = body
				} else if body != first {
					t.Errorf("%s gets another %s", who, path)
				}
			}
			for _, secret := range secretsOfFixture {
				if strings.Contains(body, secret) {
					t.Errorf("%s %s shows %q", who, path, secret)
				}
			}
		}
	}
}
