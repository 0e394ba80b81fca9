// Package mednum writes places in the national « schéma des lieux de
// médiation numérique » (standard of La MedNum and the ANCT, version 1.0.1,
// schema.data.gouv.fr/LaMednum/standard-mediation-num), the format the
// national map (cartographie nationale des lieux d'inclusion numérique)
// reads. Multiple values are joined with "|". No PocketBase here: the hooks
// gather the data, this package maps and encodes it.
package mednum

import (
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"atelier/hooks/lib/tableur"

	"atelier/hooks/lib/contact"
)

// Lieu is one place, field by field in the order of the schema.
type Lieu struct {
	ID                            string   `json:"id"`
	Pivot                         string   `json:"pivot"`
	Nom                           string   `json:"nom"`
	Commune                       string   `json:"commune"`
	CodePostal                    string   `json:"code_postal"`
	CodeInsee                     string   `json:"code_insee,omitempty"`
	Adresse                       string   `json:"adresse"`
	ComplementAdresse             string   `json:"complement_adresse,omitempty"`
	Latitude                      *float64 `json:"latitude,omitempty"`
	Longitude                     *float64 `json:"longitude,omitempty"`
	Typologie                     string   `json:"typologie,omitempty"`
	Telephone                     string   `json:"telephone,omitempty"`
	Courriels                     string   `json:"courriels,omitempty"`
	SiteWeb                       string   `json:"site_web,omitempty"`
	Horaires                      string   `json:"horaires,omitempty"`
	PresentationResume            string   `json:"presentation_resume,omitempty"`
	PresentationDetail            string   `json:"presentation_detail,omitempty"`
	Source                        string   `json:"source,omitempty"`
	Itinerance                    string   `json:"itinerance,omitempty"`
	StructureParente              string   `json:"structure_parente,omitempty"`
	DateMaj                       string   `json:"date_maj"`
	Services                      string   `json:"services,omitempty"`
	PublicsSpecifiquementAdresses string   `json:"publics_specifiquement_adresses,omitempty"`
	PriseEnChargeSpecifique       string   `json:"prise_en_charge_specifique,omitempty"`
	FraisACharge                  string   `json:"frais_a_charge,omitempty"`
	DispositifProgrammesNationaux string   `json:"dispositif_programmes_nationaux,omitempty"`
	FormationsLabels              string   `json:"formations_labels,omitempty"`
	AutresFormationsLabels        string   `json:"autres_formations_labels,omitempty"`
	ModalitesAcces                string   `json:"modalites_acces,omitempty"`
	ModalitesAccompagnement       string   `json:"modalites_accompagnement,omitempty"`
	FicheAccesLibre               string   `json:"fiche_acces_libre,omitempty"`
	PriseRdv                      string   `json:"prise_rdv,omitempty"`
}

// Columns are the schema's fields, in its order: the CSV header.
var Columns = []string{"id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
	"latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
	"presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
	"publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge", "dispositif_programmes_nationaux",
	"formations_labels", "autres_formations_labels", "modalites_acces", "modalites_accompagnement", "fiche_acces_libre",
	"prise_rdv"}

// PivotInconnu stands for a place without SIRET: the pivot is required and
// the national map's tools use fourteen zeros when it is unknown.
const PivotInconnu = "00000000000000"

// Values of the schema's closed lists that Atelier produces.
const (
	ServiceDemarches   = "Aide aux démarches administratives"
	ServiceQuotidien   = "Maîtrise des outils numériques du quotidien"
	ServiceInsertion   = "Insertion professionnelle via le numérique"
	ServiceSecurite    = "Utilisation sécurisée du numérique"
	ServiceParentalite = "Parentalité et éducation avec le numérique"
	ServiceLoisirs     = "Loisirs et créations numériques"
	ServiceComprendre  = "Compréhension du monde numérique"

	ModaliteAtelier     = "Dans un atelier collectif"
	ModaliteIndividuel  = "Accompagnement individuel"
	ModaliteADistance   = "À distance"
	AccesTelephoner     = "Téléphoner"
	AccesMail           = "Contacter par mail"
	FraisGratuit        = "Gratuit"
	DispositifCnfs      = "Conseillers numériques"
	DispositifFranceSvc = "France Services"
)

// servicesOrder is the schema's order of the services Atelier maps to.
var servicesOrder = []string{ServiceDemarches, ServiceQuotidien, ServiceInsertion, ServiceSecurite,
	ServiceParentalite, ServiceLoisirs, ServiceComprendre}

// serviceOfThematique maps La Coop's thématiques to the schema's
// services.
var serviceOfThematique = map[string]string{
	"diagnostic_numerique":               ServiceQuotidien,
	"prendre_en_main_du_materiel":        ServiceQuotidien,
	"maintenance_de_materiel":            ServiceQuotidien,
	"gere_ses_contenus_numeriques":       ServiceQuotidien,
	"navigation_sur_internet":            ServiceQuotidien,
	"email":                              ServiceQuotidien,
	"bureautique":                        ServiceQuotidien,
	"reseaux_sociaux":                    ServiceQuotidien,
	"banque_et_achats_en_ligne":          ServiceQuotidien,
	"sante":                              ServiceDemarches,
	"aide_aux_demarches_administratives": ServiceDemarches,
	"entrepreneuriat":                    ServiceInsertion,
	"insertion_professionnelle":          ServiceInsertion,
	"securite_numerique":                 ServiceSecurite,
	"parentalite":                        ServiceParentalite,
	"scolarite_et_numerique":             ServiceParentalite,
	"creer_avec_le_numerique":            ServiceLoisirs,
	"culture_numerique":                  ServiceComprendre,
	"intelligence_artificielle":          ServiceComprendre,
}

// serviceOfBesoin maps the « Je veux… » entries of the workshops.
var serviceOfBesoin = map[string]string{
	"debuter":       ServiceQuotidien,
	"echanger":      ServiceQuotidien,
	"emploi":        ServiceInsertion,
	"enfant":        ServiceParentalite,
	"opportunites":  ServiceQuotidien,
	"territoire":    ServiceComprendre,
	"connaitre":     ServiceComprendre,
	"professionnel": ServiceInsertion,
}

// Services lists, in the schema's order and once each, the services the
// given thématiques and besoins stand for; unknown values are ignored.
func Services(thematiques, besoins []string) []string {
	found := map[string]bool{}
	for _, t := range thematiques {
		if s, ok := serviceOfThematique[t]; ok {
			found[s] = true
		}
	}
	for _, b := range besoins {
		if s, ok := serviceOfBesoin[b]; ok {
			found[s] = true
		}
	}
	var out []string
	for _, s := range servicesOrder {
		if found[s] {
			out = append(out, s)
		}
	}
	return out
}

// Join writes a multi-valued field: values separated by "|", without
// empties or duplicates.
func Join(values ...string) string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, "|")
}

var (
	codePostal = regexp.MustCompile(`^\d{5}$`)
	telephone  = regexp.MustCompile(`^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`)
	pivot      = regexp.MustCompile(`^[a-zA-Z0-9]{9,14}$`)
	day        = `(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)`
	days       = day + `(?:-` + day + `)?(?:,` + day + `(?:-` + day + `)?)*`
	hours      = `(?:off|closed|\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*)`
	osmHours   = regexp.MustCompile(`^(?:24/7|` + days + ` ` + hours + `(?:; ?` + days + ` ` + hours + `)*)$`)
)

// Voie is an address as the national map's library accepts it: quotes are
// dropped (« 12 place du "Marché" » is refused whole, with its place) and
// any other sign outside the schema's letters, digits and punctuation
// becomes a space.
func Voie(text string) string {
	return keepRunes(text, voieSign)
}

// Commune is a commune name as the national map's library accepts it:
// letters, digits, hyphens, apostrophes and spaces.
func Commune(text string) string {
	return keepRunes(text, func(r rune) bool { return r == '-' || r == '\'' || r == '’' })
}

// quotes are dropped rather than spaced: they hug the words they quote.
const quotes = "\"«»“”„‟‹›"

// voieSign tells the punctuation the schema's address pattern allows.
func voieSign(r rune) bool { return strings.ContainsRune("-,()°.&:+–|;'’/", r) }

// keepRunes keeps letters (the Latin ones the schema lists), digits and
// the signs allowed, drops quotes and turns anything else into a space.
func keepRunes(text string, sign func(rune) bool) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case strings.ContainsRune(quotes, r):
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'),
			r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7, r >= 0x152 && r <= 0x178, sign(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	return strings.NewReplacer("( ", "(", " )", ")", " ,", ",").Replace(out)
}

// CodeInsee keeps an INSEE code only if the schema accepts it.
func CodeInsee(code string) string {
	if contact.CodeInseeValide(code) {
		return code
	}
	return ""
}

// Telephone keeps an E.164 number only if the schema accepts it (French
// numbers, overseas included).
func Telephone(number string) string {
	if telephone.MatchString(number) {
		return number
	}
	return ""
}

// Pivot is the SIRET, or PivotInconnu.
func Pivot(siret string) string {
	if pivot.MatchString(siret) {
		return siret
	}
	return PivotInconnu
}

// OpeningHours tells whether text is written in the OpenStreetMap
// opening_hours format the schema asks for (« Mo-Fr 09:00-12:00 »); free
// text goes to the detailed presentation instead.
func OpeningHours(text string) bool {
	return osmHours.MatchString(strings.TrimSpace(text))
}

// Complete tells whether the place has every field the schema requires,
// well formed: an incomplete place is left out of the export.
func (l Lieu) Complete() bool {
	return l.ID != "" && pivot.MatchString(l.Pivot) && strings.TrimSpace(l.Nom) != "" &&
		strings.TrimSpace(l.Commune) != "" && codePostal.MatchString(l.CodePostal) &&
		strings.TrimSpace(l.Adresse) != "" && l.DateMaj != ""
}

// Record is the place as a CSV line, in the order of Columns.
func (l Lieu) Record() []string {
	coord := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	return []string{l.ID, l.Pivot, l.Nom, l.Commune, l.CodePostal, l.CodeInsee, l.Adresse, l.ComplementAdresse,
		coord(l.Latitude), coord(l.Longitude), l.Typologie, l.Telephone, l.Courriels, l.SiteWeb, l.Horaires,
		l.PresentationResume, l.PresentationDetail, l.Source, l.Itinerance, l.StructureParente, l.DateMaj, l.Services,
		l.PublicsSpecifiquementAdresses, l.PriseEnChargeSpecifique, l.FraisACharge, l.DispositifProgrammesNationaux,
		l.FormationsLabels, l.AutresFormationsLabels, l.ModalitesAcces, l.ModalitesAccompagnement, l.FicheAccesLibre,
		l.PriseRdv}
}

// WriteCSV writes the header and one line per place, every cell guarded
// against spreadsheet formulas: names and addresses are typed by staff.
func WriteCSV(w io.Writer, lieux []Lieu) error {
	table := make([][]string, 0, len(lieux)+1)
	table = append(table, Columns)
	for _, l := range lieux {
		table = append(table, l.Record())
	}
	return tableur.Write(w, table)
}
