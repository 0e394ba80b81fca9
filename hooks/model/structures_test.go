package model_test

import (
	"os"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/model"
	"atelier/hooks/testkit"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testkit.RemoveTemplate()
	os.Exit(code)
}

// StructuresOf: a coordinateur's are all of them, anyone else's their own;
// by name as read (an accented first letter sorts as the plain one).
func TestStructuresOf(t *testing.T) {
	app := testkit.NewApp(t)
	collection, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		t.Fatal(err)
	}
	ecole := core.NewRecord(collection)
	ecole.Load(map[string]any{"nom": "École numérique", "slug": "ecole-numerique", "fuseau": "Europe/Paris"})
	if err := app.Save(ecole); err != nil {
		t.Fatal(err)
	}
	staff := func(name string) *model.StaffView {
		record, err := app.FindRecordById("utilisateurs", testkit.ID(name))
		if err != nil {
			t.Fatal(err)
		}
		return model.NewStaffView(record)
	}
	for _, c := range []struct {
		who  *model.StaffView
		want []string
	}{
		{staff(testkit.Coordinateur), []string{"École numérique", "France Services Bêta", "Médiathèque Alpha", "Tiers-lieu Gamma"}},
		{staff(testkit.ConseillerB), []string{"France Services Bêta"}},
		{&model.StaffView{ID: "x", RoleValue: model.RoleConseiller,
			Structures: []string{testkit.ID(testkit.StructureC), testkit.ID(testkit.StructureA)}},
			[]string{"Médiathèque Alpha", "Tiers-lieu Gamma"}},
		{&model.StaffView{ID: "y", RoleValue: model.RoleConseiller}, nil},
		{nil, nil},
	} {
		options, err := model.StructureOptions(app, c.who)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range options {
			got = append(got, o.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: %q, want %q", c.who, got, c.want)
		}
	}
}
