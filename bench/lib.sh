# bench/lib.sh — what the bench scripts share; sourced, not run.
#
# A figure is a row: figure, azrepl, baseline, ratio, target, met?
# Run alone, a script prints its rows as a table; run by bench/run (which
# sets BENCH_ROWS to a file), it appends them there, for bench/run's one table.

say() { echo "${BENCH_NAME:-bench}: $*" >&2; }

# apt_install PACKAGE: best effort, quiet.
apt_install() {
	command -v apt-get >/dev/null || return 1
	say "installing $1 with apt-get"
	{ apt-get install -y "$1" || { apt-get update && apt-get install -y "$1"; }; } >/dev/null 2>&1
}

BENCH_TABLE=()
# row FIGURE AZREPL BASELINE RATIO TARGET MET
row() { BENCH_TABLE+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$@")"); }
# met EXPR: "yes" when the awk expression holds.
met() { awk "BEGIN { print (($1) ? \"yes\" : \"NO\") }"; }
# ratio A B [DECIMALS]: A/B.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { if (b == 0) b = 1e-9; printf "%.*f", d, a/b }'; }
# fmt X: X with one decimal.
fmt() { awk -v x="$1" 'BEGIN { printf "%.1f", x }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# table HEADER-LINE: the rows, to $BENCH_ROWS when set, else printed under HEADER-LINE.
table() {
	if [ -n "${BENCH_ROWS:-}" ]; then
		printf '%s\n' "${BENCH_TABLE[@]}" >>"$BENCH_ROWS"
		return
	fi
	echo
	echo "$1"
	{
		printf 'figure\tazrepl\tbaseline\tratio\ttarget\tmet?\n'
		printf '%s\n' "${BENCH_TABLE[@]}"
	} | column -t -s $'\t'
}
