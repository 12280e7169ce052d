package owned_test

import (
	"errors"
	"testing"

	"github.com/vitalsgo/vitals/checks/internal/owned"
)

type checker struct{ own owned.Client }

func newChecker(dep *int, _ *struct{}) (*checker, error) {
	if *dep < 0 {
		return nil, errors.New("bad dep")
	}
	return &checker{}, nil
}

func (c *checker) owner() *owned.Client { return &c.own }

// The adopted client is closed once, by the first Close, whose error
// Close returns; a Client that owns nothing closes nothing.
func TestAdoptCloseOnce(t *testing.T) {
	closes := 0
	failed := errors.New("close failed")
	dep := 1
	c, err := owned.Adopt(newChecker, &dep, nil, func() error { closes++; return failed }, (*checker).owner)
	if err != nil {
		t.Fatal(err)
	}
	if c.own.Closed() {
		t.Fatal("Closed before Close")
	}
	if err := c.own.Close(); !errors.Is(err, failed) {
		t.Fatalf("first Close = %v, want %v", err, failed)
	}
	if err := c.own.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	if closes != 1 || !c.own.Closed() {
		t.Fatalf("closed %d times, Closed() = %v; want once, true", closes, c.own.Closed())
	}

	var none owned.Client
	if err := none.Close(); err != nil || none.Closed() {
		t.Fatalf("zero Client: Close = %v, Closed = %v; want nil, false", err, none.Closed())
	}
}

// When New refuses, Adopt closes the client Open made, since no checker
// will.
func TestAdoptClosesOnError(t *testing.T) {
	closes := 0
	dep := -1
	c, err := owned.Adopt(newChecker, &dep, nil, func() error { closes++; return nil }, (*checker).owner)
	if err == nil || c != nil {
		t.Fatalf("Adopt = %v, %v; want the error of New", c, err)
	}
	if closes != 1 {
		t.Fatalf("closed %d times, want once", closes)
	}
}
