package tableur

import (
	"bytes"
	"testing"
)

func TestGuard(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("https://evil.example","Cliquez")`, `'=HYPERLINK("https://evil.example","Cliquez")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-", "'-"},
		// Plain numbers stay numbers: coordinates, E.164 phones.
		{"-21.3408", "-21.3408"},
		{"+33612345678", "+33612345678"},
		{"-5", "-5"},
		{"+1,5", "+1,5"},
		{"Médiathèque", "Médiathèque"},
		{"Jean-Pierre", "Jean-Pierre"},
		{" =1", " =1"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Guard(c.in); got != c.want {
			t.Errorf("Guard(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriteGuardsEveryCell(t *testing.T) {
	table := [][]string{{"nom", "telephone", "latitude"}, {"=1+1", "+33612345678", "-21.34"}, {"@x", "a,b", "l'été"}}
	var plain, french bytes.Buffer
	if err := Write(&plain, table); err != nil {
		t.Fatal(err)
	}
	if want := "nom,telephone,latitude\n'=1+1,+33612345678,-21.34\n'@x,\"a,b\",l'été\n"; plain.String() != want {
		t.Errorf("Write = %q, want %q", plain.String(), want)
	}
	if err := WriteFrench(&french, table); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFFnom;telephone;latitude\r\n'=1+1;+33612345678;-21.34\r\n'@x;a,b;l'été\r\n"; french.String() != want {
		t.Errorf("WriteFrench = %q, want %q", french.String(), want)
	}
}
