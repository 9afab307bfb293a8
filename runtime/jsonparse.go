package runtime

import (
	"errors"

	"github.com/azrepl/azrepl/bindings"
	"github.com/dop251/goja"
)

// limitJSONParse puts the depth limit of Response.json in front of the
// global JSON.parse: goja's parser recurses, and input nested a million
// deep overflowed the stack, which ends the process, REPL included.
func limitJSONParse(vm *goja.Runtime) error {
	j, ok := vm.Get("JSON").(*goja.Object)
	if !ok {
		return errors.New("the JSON builtin is missing")
	}
	parse, ok := goja.AssertFunction(j.Get("parse"))
	if !ok {
		return errors.New("the JSON.parse builtin is missing")
	}
	limited := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		text := call.Argument(0).String() // JSON.parse's ToString, done once
		if err := bindings.CheckJSONDepth(text); err != nil {
			bindings.Throw(vm, err)
		}
		v, err := parse(goja.Undefined(), vm.ToValue(text), call.Argument(1))
		if err != nil {
			panic(err)
		}
		return v
	}).(*goja.Object)
	_ = limited.DefineDataProperty("name", vm.ToValue("parse"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = limited.DefineDataProperty("length", vm.ToValue(2), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return j.DefineDataProperty("parse", limited, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}
