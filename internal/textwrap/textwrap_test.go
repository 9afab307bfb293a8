package textwrap

import (
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, nil},
		{"one two three", 7, []string{"one two", "three"}},
		{"one two three", 13, []string{"one two three"}},
		{"a verylongword b", 5, []string{"a", "verylongword", "b"}},
		{"  spaced   out  ", 80, []string{"spaced out"}},
		{"über straße", 5, []string{"über", "straße"}},
	} {
		got := Wrap(tc.in, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

func TestList(t *testing.T) {
	got := List([]Item{
		{"device", "a code entered on another device"},
		{"managed-identity", "the endpoint in IDENTITY_ENDPOINT, never the metadata address by itself"},
		{"x", ""},
	}, "  ", 60)
	want := "" +
		"  device            a code entered on another device\n" +
		"  managed-identity  the endpoint in IDENTITY_ENDPOINT, never\n" +
		"                    the metadata address by itself\n" +
		"  x                 \n"
	if got != want {
		t.Errorf("List:\n%s\nwant:\n%s", got, want)
	}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("line of %d runes passes the width: %q", n, l)
		}
	}
}
