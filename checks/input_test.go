package checks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
)

// viaJSON is how the input used to be made: encode the model, decode the
// JSON. Input must give the same value, only faster.
func viaJSON(t testing.TB, f *model.Fleet) ast.Value {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestInputIsTheModelsJSON: on every fleet of the test data and on
// generated fleets, Input is the model's JSON, and a rule's fields
// converted alone are its view of the whole input.
func TestInputIsTheModelsJSON(t *testing.T) {
	e := checkstest.Engine(t)
	var fleets []*model.Fleet
	for _, dir := range everyFleet(t) {
		in, opt := readFleet(t, dir)
		f, _ := model.Build(in, model.Options{Meshes: opt.Meshes})
		fleets = append(fleets, f)
	}
	for _, n := range []int{3, 20} {
		f, _ := model.Build(generated(t, n), model.Options{})
		fleets = append(fleets, f)
	}
	for i, f := range fleets {
		got, err := checks.Input(f)
		if err != nil {
			t.Fatal(err)
		}
		if want := viaJSON(t, f); got.Compare(want) != 0 {
			t.Fatalf("fleet %d: Input differs from the model's JSON:\n got %v\nwant %v", i, got, want)
		}
		if err := checks.ViewsAgree(e, f); err != nil {
			t.Fatalf("fleet %d: %v", i, err)
		}
	}
}

// BenchmarkInput compares Input with the JSON round trip it replaced.
func BenchmarkInput(b *testing.B) {
	for _, n := range []int{3, 20} {
		f, _ := model.Build(generated(b, n), model.Options{})
		b.Run(fmt.Sprintf("clusters=%d/direct", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := checks.Input(f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("clusters=%d/json", n), func(b *testing.B) {
			for b.Loop() {
				viaJSON(b, f)
			}
		})
	}
}
