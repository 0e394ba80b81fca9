package envois

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestObjetShortensTheTitleOnly(t *testing.T) {
	long := strings.Repeat("Découvrir les démarches en ligne ", 4)
	got := Objet("Rappel : ", long, ", jeudi 3 décembre")
	if n := utf8.RuneCountInString(got); n != MaxObjet {
		t.Errorf("%d characters: %q", n, got)
	}
	if !strings.HasPrefix(got, "Rappel : Découvrir") || !strings.HasSuffix(got, "…, jeudi 3 décembre") {
		t.Errorf("Objet = %q", got)
	}
	if got := Objet("Inscription confirmée : ", "Premiers pas  sur\nla tablette", ""); got != "Inscription confirmée : Premiers pas sur la tablette" {
		t.Errorf("short title changed: %q", got)
	}
	if got := Objet("Rappel : ", "Atelier\u00a0: photos", ", 3\u202fdéc."); got != "Rappel : Atelier\u00a0: photos, 3\u202fdéc." {
		t.Errorf("no-break spaces changed: %q", got)
	}
	// Even a prefix longer than the limit gives a subject within it.
	if got := Objet(strings.Repeat("é", 100), "x", ""); utf8.RuneCountInString(got) != MaxObjet || !strings.HasSuffix(got, "…") {
		t.Errorf("long prefix: %q", got)
	}
}

func TestDocumentHTML(t *testing.T) {
	got := DocumentHTML("<!doctype html>\n<html lang=\"fr\"><body><p>Bonjour</p></body></html>", "Rappel : <Atelier> & co")
	if !strings.Contains(got, `<html lang="fr"><head><meta charset="utf-8"><title>Rappel : &lt;Atelier&gt; &amp; co</title></head><body><p>Bonjour</p>`) {
		t.Errorf("document: %s", got)
	}
	if again := DocumentHTML(got, "Autre"); again != got {
		t.Errorf("a document with a title changed:\n%s", again)
	}
	got = DocumentHTML("<p>Hello,</p>", "Objet")
	if !strings.HasPrefix(got, "<!doctype html>\n<html lang=\"fr\"><head>") || !strings.Contains(got, "<title>Objet</title>") ||
		!strings.HasSuffix(got, "<p>Hello,</p>\n</body></html>") {
		t.Errorf("fragment: %s", got)
	}
	// PocketBase's layout: a head without title, no lang.
	got = DocumentHTML("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<style></style></head><body>x</body></html>", "O")
	if !strings.Contains(got, `<html xmlns="http://www.w3.org/1999/xhtml" lang="fr">`) || strings.Count(got, "<head") != 1 ||
		!strings.Contains(got, "<head><title>O</title>\n<style>") {
		t.Errorf("PocketBase layout: %s", got)
	}
}
