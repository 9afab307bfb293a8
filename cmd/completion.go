package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/azrepl/azrepl/internal/suggest"
)

// Shell completion scripts, written from the commands table: subcommands,
// each one's flags, and the values of flags that have a fixed set.

const completionUsage = `Usage: azrepl completion bash|zsh|fish|powershell

Prints a script that completes azrepl's subcommands, flags and their values
in that shell. Load it from the shell's start-up file:
  bash        source <(azrepl completion bash)              (~/.bashrc)
  zsh         source <(azrepl completion zsh)               (~/.zshrc, after compinit)
  fish        azrepl completion fish | source               (~/.config/fish/config.fish)
  powershell  azrepl completion powershell | Out-String | Invoke-Expression   ($PROFILE)
`

var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// completionMain is `azrepl completion SHELL`.
func completionMain(_ context.Context, o Options, stdout, stderr io.Writer) int {
	if len(o.Args) != 1 {
		fmt.Fprintln(stderr, "azrepl: completion needs one shell: bash, zsh, fish or powershell (azrepl completion --help)")
		return 2
	}
	switch o.Args[0] {
	case "bash":
		fmt.Fprint(stdout, bashCompletion())
	case "zsh":
		// zsh runs bash completion functions through its bashcompinit.
		fmt.Fprint(stdout, "# zsh completion for azrepl: source <(azrepl completion zsh), after compinit\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion())
	case "fish":
		fmt.Fprint(stdout, fishCompletion())
	case "powershell", "pwsh":
		fmt.Fprint(stdout, powershellCompletion())
	default:
		fmt.Fprintf(stderr, "azrepl: completion: unknown shell %q%s (use bash, zsh, fish or powershell)\n", o.Args[0], suggest.DidYouMean(o.Args[0], completionShells))
		return 2
	}
	return 0
}

// flagWords is every spelling of flags, space-separated.
func flagWords(flags []flagDef) string {
	var w []string
	for _, f := range flags {
		w = append(w, f.Name)
		if f.Alias != "" {
			w = append(w, f.Alias)
		}
	}
	return strings.Join(append(w, "--help"), " ")
}

// commandFlag is a flag of a command ("" for the global flags).
type commandFlag struct {
	cmd string
	flagDef
}

// choiceFlags are the flags whose values are a fixed set, with their command.
func choiceFlags() []commandFlag {
	var out []commandFlag
	add := func(cmd string, flags []flagDef) {
		for _, f := range flags {
			if len(f.Choices) > 0 {
				out = append(out, commandFlag{cmd, f})
			}
		}
	}
	add("", globalFlags)
	for _, c := range commands {
		add(c.Name, c.Flags)
	}
	return out
}

// valueFlags are the global flags whose next word is their value.
func valueFlags(flags []flagDef) []string {
	var w []string
	for _, f := range flags {
		if f.Value != "" {
			w = append(w, f.Name)
			if f.Alias != "" {
				w = append(w, f.Alias)
			}
		}
	}
	return w
}

func bashCompletion() string {
	var b strings.Builder
	b.WriteString(`# bash completion for azrepl: source <(azrepl completion bash)
_azrepl() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= at=0 i
    for (( i = 1; i < COMP_CWORD; i++ )); do
        case ${COMP_WORDS[i]} in
            ` + strings.Join(valueFlags(globalFlags), "|") + `) (( i++ )) ;;
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; at=$i; break ;;
        esac
    done
    local words=
    case "$cmd $prev" in
`)
	for _, cf := range choiceFlags() {
		pat := fmt.Sprintf("%q", cf.cmd+" "+cf.Name)
		if cf.Alias != "" {
			pat += fmt.Sprintf("|%q", cf.cmd+" "+cf.Alias)
		}
		fmt.Fprintf(&b, "        %s) words=%q ;;\n", pat, strings.Join(cf.Choices, " "))
	}
	b.WriteString(`    esac
    if [[ -z $words ]]; then
        case $cmd in
            '') if [[ $cur == -* ]]; then words=` + fmt.Sprintf("%q", flagWords(globalFlags)) + `; else words=` + fmt.Sprintf("%q", strings.Join(commandNames(), " ")) + `; fi ;;
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "            %s) if [[ $cur == -* ]]; then words=%q;", c.Name, flagWords(c.Flags))
		if len(c.Choices) > 0 {
			fmt.Fprintf(&b, " elif (( COMP_CWORD == at + 1 )); then words=%q;", strings.Join(c.Choices, " "))
		}
		b.WriteString(" fi ;;\n")
	}
	b.WriteString(`        esac
    fi
    # Nothing to offer: bash completes file names (complete -o default).
    COMPREPLY=()
    [[ -n $words ]] && COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _azrepl azrepl
`)
	return b.String()
}

// fishQuote quotes s for fish: single quotes, with \ and ' escaped.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func fishFlag(b *strings.Builder, cond string, f flagDef) {
	fmt.Fprintf(b, "complete -c azrepl -n %s -l %s", fishQuote(cond), strings.TrimPrefix(f.Name, "--"))
	if f.Alias != "" {
		fmt.Fprintf(b, " -s %s", strings.TrimPrefix(f.Alias, "-"))
	}
	switch {
	case len(f.Choices) > 0:
		fmt.Fprintf(b, " -x -a %s", fishQuote(strings.Join(f.Choices, " ")))
	case f.Value != "":
		b.WriteString(" -r")
	}
	b.WriteString("\n")
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for azrepl: azrepl completion fish | source\n")
	for _, f := range globalFlags {
		fishFlag(&b, "__fish_use_subcommand", f)
	}
	for _, c := range commands {
		fmt.Fprintf(&b, "complete -c azrepl -n __fish_use_subcommand -f -a %s -d %s\n", c.Name, fishQuote(c.Summary))
	}
	for _, c := range commands {
		cond := "__fish_seen_subcommand_from " + c.Name
		fmt.Fprintf(&b, "complete -c azrepl -n %s -s h -l help\n", fishQuote(cond))
		for _, f := range c.Flags {
			fishFlag(&b, cond, f)
		}
		if len(c.Choices) > 0 {
			fmt.Fprintf(&b, "complete -c azrepl -n %s -f -a %s\n", fishQuote(cond), fishQuote(strings.Join(c.Choices, " ")))
		}
	}
	return b.String()
}

// psList is a PowerShell array of single-quoted words.
func psList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

func powershellCompletion() string {
	var b strings.Builder
	b.WriteString(`# PowerShell completion for azrepl: azrepl completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName azrepl -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $flags = @{
        '' = ` + psList(strings.Fields(flagWords(globalFlags))) + "\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "        '%s' = %s\n", c.Name, psList(strings.Fields(flagWords(c.Flags))))
	}
	b.WriteString("    }\n    $values = @{\n")
	for _, c := range commands {
		if len(c.Choices) > 0 {
			fmt.Fprintf(&b, "        '%s' = %s\n", c.Name, psList(c.Choices))
		}
	}
	for _, cf := range choiceFlags() {
		for _, n := range []string{cf.Name, cf.Alias} {
			if n != "" {
				fmt.Fprintf(&b, "        '%s %s' = %s\n", cf.cmd, n, psList(cf.Choices))
			}
		}
	}
	b.WriteString(`    }
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -First ($words.Count - 1)) }
    $cmd = ''; $at = -1
    for ($i = 0; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if (` + psList(valueFlags(globalFlags)) + ` -contains $w) { $i++; continue }
        if (-not $w.StartsWith('-')) { $cmd = $w; $at = $i; break }
    }
    $prev = if ($words.Count -gt 0) { $words[-1] } else { '' }
    $candidates = @()
    if ($values.ContainsKey("$cmd $prev")) {
        $candidates = $values["$cmd $prev"]
    } elseif ($cmd -eq '' -and -not $wordToComplete.StartsWith('-')) {
        $candidates = ` + psList(commandNames()) + `
    } elseif ($wordToComplete.StartsWith('-') -and $flags.ContainsKey($cmd)) {
        $candidates = $flags[$cmd]
    } elseif ($values.ContainsKey($cmd) -and $words.Count -eq $at + 1) {
        $candidates = $values[$cmd]
    }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`)
	return b.String()
}
