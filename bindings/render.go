package bindings

// REPLRenderer is the Go-side hook for a custom REPL rendering: a Go value
// handed to JS (rt.ToValue) whose type implements it is printed by the REPL
// as RenderREPL's text instead of as JSON. Token and Response objects use it
// to show a summary and never the secret.
//
// The JS-side equivalent is a method named REPLMethod ("__repl__") on the
// object: the REPL calls it with no arguments and prints the string it
// returns.
type REPLRenderer interface {
	RenderREPL() string
}

// REPLMethod is the name of the JS method that overrides REPL printing.
const REPLMethod = "__repl__"
