package frfmt

import (
	"cmp"
	"slices"
)

// Fuseau is a time zone a structure may choose, with the name of its
// territory as people read it.
type Fuseau struct{ Zone, Nom string }

// Fuseaux are the French time zones: mainland France first, then the
// territories of territoires in alphabetical order.
func Fuseaux() []Fuseau {
	out := []Fuseau{{Zone: DefaultZone, Nom: "France métropolitaine"}}
	var autres []Fuseau
	for zone, nom := range territoires {
		autres = append(autres, Fuseau{Zone: zone, Nom: nom})
	}
	slices.SortFunc(autres, func(a, b Fuseau) int { return cmp.Compare(a.Nom, b.Nom) })
	return append(out, autres...)
}

// FuseauConnu tells whether zone is one of Fuseaux.
func FuseauConnu(zone string) bool {
	_, ok := territoires[zone]
	return ok || zone == DefaultZone
}
