package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// azrepl runs Main in-process with the given arguments.
func azrepl(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Main(args, nil, &out, &errs)
	return out.String(), errs.String(), code
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	for _, c := range commands {
		for _, h := range []string{"--help", "-h"} {
			out, errs, code := azrepl(t, c.Name, h)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: azrepl ") || !strings.Contains(out, "Example") {
				t.Errorf("azrepl %s %s: exit %d, stderr %q, stdout:\n%s", c.Name, h, code, errs, out)
			}
			for _, f := range c.Flags {
				if !strings.Contains(out, f.Name) && (f.Alias == "" || !strings.Contains(out, f.Alias+" ")) {
					t.Errorf("azrepl %s --help does not name its flag %s", c.Name, f.Name)
				}
			}
		}
		if out, _, code := azrepl(t, "help", c.Name); code != 0 || out != commandHelp(c) {
			t.Errorf("azrepl help %s: exit %d, not the same as --help:\n%s", c.Name, code, out)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, errs, code := azrepl(t, args...)
		if code != 0 || errs != "" || !strings.Contains(out, "Examples:") {
			t.Errorf("azrepl %v: exit %d, stderr %q", args, code, errs)
		}
		for _, c := range commands {
			if !strings.Contains(out, "azrepl "+c.Synopsis) {
				t.Errorf("azrepl %v does not list %s", args, c.Name)
			}
		}
	}
}

func TestBadFlagsAreOneLineWithASuggestion(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"emulate", "--bogus"}, "azrepl: emulate: unknown flag --bogus (azrepl emulate --help)\n"},
		{[]string{"emulate", "--grops", "3"}, "azrepl: emulate: unknown flag --grops — did you mean --groups? (azrepl emulate --help)\n"},
		{[]string{"emulate", "-approve-aftr=1s"}, "azrepl: emulate: unknown flag -approve-aftr — did you mean --approve-after? (azrepl emulate --help)\n"},
		{[]string{"token", "--forse"}, "azrepl: token: unknown flag --forse — did you mean --force? (azrepl token --help)\n"},
		{[]string{"token", "graph", "--tennant=x"}, "azrepl: token: unknown flag --tennant — did you mean --tenant? (azrepl token --help)\n"},
		{[]string{"env", "--databrick"}, "azrepl: env: unknown flag --databrick — did you mean --databricks? (azrepl env --help)\n"},
		{[]string{"shim", "--dri", "x"}, "azrepl: shim: unknown flag --dri — did you mean --dir? (azrepl shim --help)\n"},
		{[]string{"record", "--ot", "x", "--", "true"}, "azrepl: record: unknown flag --ot — did you mean --out? (azrepl record --help)\n"},
		{[]string{"run", "--emualtor", "x.js"}, "azrepl: run: unknown flag --emualtor — did you mean --emulator? (azrepl run --help)\n"},
		{[]string{"--emualtor"}, "azrepl: unknown flag --emualtor — did you mean --emulator? (azrepl --help for usage)\n"},
		{[]string{"--verison"}, "azrepl: unknown flag --verison — did you mean --version? (azrepl --help for usage)\n"},
		{[]string{"emualte"}, "azrepl: unknown command \"emualte\" — did you mean emulate? (azrepl --help for usage)\n"},
		{[]string{"tokne"}, "azrepl: unknown command \"tokne\" — did you mean token? (azrepl --help for usage)\n"},
		{[]string{"help", "shmi"}, "azrepl: help: unknown command \"shmi\" — did you mean shim? (azrepl --help for usage)\n"},
		{[]string{"token", "-o", "jsno"}, "azrepl: token: unknown output \"jsno\" — did you mean json? (use raw, header, json, az, exec-credential, databricks) (azrepl token --help)\n"},
		{[]string{"env", "--shell", "fsh"}, "azrepl: env: --shell \"fsh\" is not one of sh, fish, powershell — did you mean fish? (azrepl env --help)\n"},
		{[]string{"completion", "bahs"}, "azrepl: completion: unknown shell \"bahs\" — did you mean bash? (use bash, zsh, fish or powershell)\n"},
	}
	for _, c := range cases {
		out, errs, code := azrepl(t, c.args...)
		if code != 2 || out != "" || errs != c.want {
			t.Errorf("azrepl %v: exit %d, stdout %q, stderr:\n got %q\nwant %q", c.args, code, out, errs, c.want)
		}
	}
}

// Flags after a script or a recorded command are theirs, not azrepl's.
func TestHelpFlagsOfScriptsAndCommandsPassThrough(t *testing.T) {
	o, err := Parse([]string{"run", "x.js", "--help", "-h"})
	if err != nil || o.Help || o.File != "x.js" || strings.Join(o.Args, " ") != "--help -h" {
		t.Errorf("run x.js --help: %+v %v", o, err)
	}
	o, err = Parse([]string{"record", "--", "az", "--help"})
	if err != nil || o.Help {
		t.Errorf("record -- az --help: %+v %v", o, err)
	}
	o, err = Parse([]string{"record", "--out", "--help", "az"})
	if err != nil || o.Help {
		t.Errorf("record --out --help (a folder named --help): %+v %v", o, err)
	}
	o, err = Parse([]string{"token", "https://graph.microsoft.com", "-h"})
	if err != nil || !o.Help {
		t.Errorf("token SCOPE -h: %+v %v", o, err)
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, sh := range completionShells {
		out, errs, code := azrepl(t, "completion", sh)
		if code != 0 || errs != "" {
			t.Fatalf("completion %s: exit %d %s", sh, code, errs)
		}
		for _, c := range commands {
			if !strings.Contains(out, c.Name) {
				t.Errorf("completion %s lacks %s", sh, c.Name)
			}
		}
		if !strings.Contains(out, "client-id") || !strings.Contains(out, "exec-credential") {
			t.Errorf("completion %s lacks token's flags and formats", sh)
		}
	}
	if _, errs, code := azrepl(t, "completion"); code != 2 || !strings.Contains(errs, "needs one shell") {
		t.Errorf("completion without a shell: %d %q", code, errs)
	}
}

// bashComplete sources the bash script in bash and completes line (the
// cursor at its end; a trailing space starts a new word).
func bashComplete(t *testing.T, script, line string) []string {
	t.Helper()
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	prog := script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_azrepl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v: %s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletionInBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script, _, _ := azrepl(t, "completion", "bash")
	cases := []struct {
		line string
		want string
	}{
		{"azrepl em", "emulate"},
		{"azrepl --emulator r", "run record"},
		{"azrepl -e 'x' ver", "version"},
		{"azrepl --em", "--emulator"},
		{"azrepl token --c", "--client-id"},
		{"azrepl token -o e", "exec-credential"},
		{"azrepl token --output ", "raw header json az exec-credential databricks"},
		{"azrepl env --shell p", "powershell"},
		{"azrepl emulate --appr", "--approve-after --approve-as"},
		{"azrepl completion ", "bash zsh fish powershell"},
		{"azrepl completion bash ", ""},
		{"azrepl help tok", "token"},
		{"azrepl run ", ""}, // a file name: bash's default completion
		{"azrepl -o ", strings.Join(outputFormats, " ")},
		{"azrepl -e 'x' --output r", "raw"},
	}
	for _, c := range cases {
		if got := strings.Join(bashComplete(t, script, c.line), " "); got != c.want {
			t.Errorf("%q<Tab>: got %q, want %q", c.line, got, c.want)
		}
	}
}

// fish and zsh, where installed, load their scripts and offer the same
// words (fish's complete -C completes a command line as if typed).
func TestFishAndZshCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, sh := range []string{"fish", "zsh"} {
		if _, err := exec.LookPath(sh); err != nil {
			t.Logf("%s is not installed: its script is not tried", sh)
			continue
		}
		script, _, _ := azrepl(t, "completion", sh)
		file := dir + "/azrepl." + sh
		if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
			t.Fatal(err)
		}
		var cmd *exec.Cmd
		if sh == "fish" {
			cmd = exec.Command("fish", "--no-config", "-c", `source `+file+`; complete -C "azrepl tok"; complete -C "azrepl token -o e"; complete -C "azrepl completion z"`)
		} else {
			// bashcompinit's compgen leaves filtering by the typed prefix to
			// zsh's completion system, so only the offered words are checked.
			cmd = exec.Command("zsh", "-f", "-c", `autoload -U compinit && compinit -u -D; source `+file+`; setopt ksharrays;
				COMP_WORDS=(azrepl token -o ""); COMP_CWORD=3; _azrepl; print -l -- "${COMPREPLY[@]}"
				COMP_WORDS=(azrepl ""); COMP_CWORD=1; _azrepl; print -l -- "${COMPREPLY[@]}"`)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", sh, err, out)
		}
		wants := []string{"token", "exec-credential", "completion"}
		if sh == "fish" {
			wants[2] = "zsh"
		}
		for _, want := range wants {
			if !strings.Contains(string(out), want+"\n") && !strings.Contains(string(out), want+"\t") {
				t.Errorf("%s does not offer %s:\n%s", sh, want, out)
			}
		}
		if sh == "fish" && (strings.Contains(string(out), "emulate") || strings.Contains(string(out), "\nraw")) {
			t.Errorf("fish offers words that do not match what was typed:\n%s", out)
		}
	}
}
