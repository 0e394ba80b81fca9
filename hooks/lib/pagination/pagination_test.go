package pagination

import (
	"net/url"
	"testing"
)

func TestDemandee(t *testing.T) {
	for in, want := range map[string]int{"": 1, "page=2": 2, "page=1": 1, "page=0": 1, "page=-3": 1, "page=x": 1,
		"page=2.5": 1, "page=40&page=3": 40} {
		q, _ := url.ParseQuery(in)
		if got := Demandee(q); got != want {
			t.Errorf("Demandee(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		asked, total, perPage int
		page, pages, offset   int
		precedente, suivante  string
		plusieurs             bool
	}{
		{1, 0, 50, 1, 1, 0, "", "", false}, // empty list: one empty page
		{1, 50, 50, 1, 1, 0, "", "", false},
		{1, 51, 50, 1, 2, 0, "", "/l?page=2", true},
		{2, 51, 50, 2, 2, 50, "/l", "", true},           // page 1 is the list's own address
		{99, 121, 50, 3, 3, 100, "/l?page=2", "", true}, // beyond the last: the last
		{-3, 121, 50, 1, 3, 0, "", "/l?page=2", true},
		{2, 121, 50, 2, 3, 50, "/l", "/l?page=3", true},
		{1, 10, 0, 1, 10, 0, "", "/l?page=2", true}, // no page size: one item a page
	} {
		p := New(c.asked, c.total, c.perPage, "/l", nil)
		if p.Page != c.page || p.Pages != c.pages || p.Offset() != c.offset || p.Precedente() != c.precedente ||
			p.Suivante() != c.suivante || p.Plusieurs() != c.plusieurs || p.Total != c.total {
			t.Errorf("New(%d, %d, %d) = %+v, offset %d, %q, %q", c.asked, c.total, c.perPage, p, p.Offset(),
				p.Precedente(), p.Suivante())
		}
	}
}

func TestLien(t *testing.T) {
	filters := url.Values{"thematique": {"email"}, "du": {""}, "page": {"7"}, "q": {"Léa & Zoé"}}
	for page, want := range map[int]string{
		1: "/espace/accompagnements?q=L%C3%A9a+%26+Zo%C3%A9&thematique=email",
		2: "/espace/accompagnements?page=2&q=L%C3%A9a+%26+Zo%C3%A9&thematique=email",
	} {
		if got := Lien("/espace/accompagnements", filters, page); got != want {
			t.Errorf("Lien(page %d) = %q, want %q", page, got, want)
		}
	}
	if got := Lien("/", url.Values{"besoin": {""}}, 1); got != "/" {
		t.Errorf("no filter: %q", got)
	}
	p := New(1, 3, 1, "/espace/journal", url.Values{"action": {"consultation"}})
	if got := p.Suivante(); got != "/espace/journal?action=consultation&page=2" {
		t.Errorf("Suivante = %q", got)
	}
	if p.Intitule() != "Pages de la liste" {
		t.Errorf("Intitule = %q", p.Intitule())
	}
	p.Libelle = "Pages du journal"
	if p.Intitule() != "Pages du journal" {
		t.Errorf("Intitule = %q", p.Intitule())
	}
}

func TestAncreLandsThePageLinksOnTheList(t *testing.T) {
	p := New(2, 30, 10, "/", url.Values{"besoin": {"emploi"}})
	p.Ancre = "titre-seances"
	if got, want := p.Precedente(), "/?besoin=emploi#titre-seances"; got != want {
		t.Errorf("Precedente = %q, want %q", got, want)
	}
	if got, want := p.Suivante(), "/?besoin=emploi&page=3#titre-seances"; got != want {
		t.Errorf("Suivante = %q, want %q", got, want)
	}
	p.Ancre = ""
	if got := p.Suivante(); got != "/?besoin=emploi&page=3" {
		t.Errorf("without Ancre, Suivante = %q", got)
	}
}
