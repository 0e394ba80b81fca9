package frfmt

import (
	"testing"
	"time"
)

func TestFuseaux(t *testing.T) {
	zones := Fuseaux()
	if zones[0] != (Fuseau{Zone: "Europe/Paris", Nom: "France métropolitaine"}) || len(zones) != len(territoires)+1 {
		t.Fatalf("zones: %v", zones)
	}
	for i, z := range zones {
		if _, err := time.LoadLocation(z.Zone); err != nil || !FuseauConnu(z.Zone) {
			t.Errorf("%s: %v", z.Zone, err)
		}
		if i > 1 && zones[i-1].Nom > z.Nom {
			t.Errorf("%q before %q", zones[i-1].Nom, z.Nom)
		}
	}
	if FuseauConnu("Europe/Berlin") || FuseauConnu("") {
		t.Error("a zone outside France is offered")
	}
}
