package roundtrip

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// memory is a store in a map; get, when set, replaces what Get reads back.
type memory struct {
	m   map[string]string
	get func(key string) []string
}

func (s *memory) store() Store {
	return Store{
		Put: func(_ context.Context, key, value string) error {
			s.m[key] = value
			return nil
		},
		Get: func(_ context.Context, key string) ([]string, error) {
			if s.get != nil {
				return s.get(key), nil
			}
			if v, ok := s.m[key]; ok {
				return []string{v}, nil
			}
			return nil, nil
		},
		Delete: func(_ context.Context, key string) error {
			delete(s.m, key)
			return nil
		},
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		get  func(key string) []string
		want string // the error's text; "" for none
	}{
		{"reads back its value", nil, ""},
		{"no key", func(string) []string { return nil }, "read back no key"},
		{"two keys", func(string) []string { return []string{"a", "b"} }, "read back 2 keys, want 1"},
		{"other value", func(string) []string { return []string{"short"} }, "read back 5 bytes that differ from the 24 written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &memory{m: map[string]string{}, get: tt.get}
			details := map[string]any{}
			err := Run(context.Background(), s.store(), "health/", details)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
				t.Fatalf("Run: %v, want %q", err, tt.want)
			}
			if len(s.m) != 0 {
				t.Errorf("left %v behind", s.m)
			}
			if _, ok := details["round_trip_ms"]; ok != (err == nil) {
				t.Errorf("details %v after error %v", details, err)
			}
		})
	}
}

func TestRunNamesTheFailedOperation(t *testing.T) {
	down := errors.New("down")
	fail := func(context.Context, string) error { return down }
	s := (&memory{m: map[string]string{}}).store()
	s.PutVerb, s.DeleteVerb = "set", "del"
	s.Delete = fail
	if err := Run(context.Background(), s, "health/", map[string]any{}); err == nil || err.Error() != "del: down" || !errors.Is(err, down) {
		t.Errorf("failing delete: %v, want del: down", err)
	}
	s.Put = func(context.Context, string, string) error { return down }
	if err := Run(context.Background(), s, "health/", map[string]any{}); err == nil || !strings.HasPrefix(err.Error(), "set: ") {
		t.Errorf("failing put: %v, want set: down", err)
	}
}
