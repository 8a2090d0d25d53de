#!/usr/bin/env bash
# peers-compare.sh: benchgrid's `process` against the Rust and C++ peers
# (docs/peers.md), as whole processes, paired round by round, CPU
# seconds, on two corpora written by scripts/peers-corpus.py (not by
# benchgrid's generator): `mixed` (20,042 files, p50 ~3 KiB, a tail to
# ~450 KiB) and `tiny` (200,000 files of ~300 B). Prints one table per
# corpus with median CPU seconds and the median of the paired ratios
# against each peer. A benchmark, never a pass/fail test: it exits 1 only
# when an implementation prints a different answer or cannot be built.
#
# Environment:
#   ROUNDS     paired rounds per corpus (default 5)
#   PEERS_SRC  the peers' sources (default ../shared/peers beside the
#              checkout, where benchgrid's development environment keeps
#              them; a clone elsewhere has none: see docs/peers.md)
#   WORK       where peers are built and corpora written (default .benchgrid/peers)
#   BG_CONFIGS benchgrid configurations, ';'-separated: process's flags,
#              after VAR=value words for its environment
#   BENCHGRID  a benchgrid binary to use instead of building one
#   NO_INSTALL set to skip apt-get when a peer's toolchain is missing
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}
src=${PEERS_SRC:-$root/../shared/peers}
if [ ! -d "$src/rust-rayon" ] || [ ! -d "$src/simdjson-cpp" ]; then
	echo "peers-compare: no peers' sources at $src (rust-rayon/ and simdjson-cpp/): set PEERS_SRC (docs/peers.md)" >&2
	exit 1
fi
work=${WORK:-$root/.benchgrid/peers}
# The default: the issue's best configurations before it (reuse, an lstat
# walk, the map tally), the best with every option it added (an interned
# tally, GOGC=400, openat with raw system calls, the d_type walk, batches
# streamed from the walk), the same without streaming and with io_uring,
# and the reading floor both ways.
best="-strategy batch -read openat-raw -walk dtype -stream"
configs=${BG_CONFIGS:-"-parser sonic -strategy atomic -read reuse;-parser simdjson -strategy atomic -read reuse;-parser none -strategy atomic -read reuse;BENCHGRID_TALLY=intern GOGC=400 -parser sonic $best;BENCHGRID_TALLY=intern GOGC=400 -parser fastjson $best;BENCHGRID_TALLY=intern GOGC=400 -parser simdjson $best;BENCHGRID_TALLY=intern GOGC=400 -parser sonic -strategy atomic -read openat-raw -walk dtype;BENCHGRID_TALLY=intern GOGC=400 -parser sonic -strategy batch -read uring -walk dtype -stream;-parser none $best"}
mkdir -p "$work"

# The peers: built outside the checkout, from Debian's packages (crates
# and libsimdjson), as their README says.
need=()
compgen -G '/usr/share/cargo/registry/rayon-1*' >/dev/null || need+=(librust-rayon-dev librust-serde-json-dev librust-walkdir-dev librust-serde-derive-dev)
[ -e /usr/include/simdjson.h ] || need+=(libsimdjson-dev)
command -v cargo >/dev/null || need+=(cargo)
command -v g++ >/dev/null || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
	if [ -n "${NO_INSTALL:-}" ]; then
		echo "peers-compare: missing ${need[*]} (NO_INSTALL is set)" >&2
		exit 1
	fi
	echo "peers-compare: installing ${need[*]}" >&2
	apt-get update -qq && apt-get install -y -qq "${need[@]}" >&2
fi
if [ ! -x "$work/src/rust-rayon/target/release/rust-rayon" ] || [ ! -x "$work/src/simdjson-cpp/simdjson-peer" ]; then
	rm -rf "$work/src"
	cp -r "$src" "$work/src"
	chmod -R u+w "$work/src"
	(cd "$work/src/rust-rayon" && cargo build --release --offline --quiet) >&2
	make -s -C "$work/src/simdjson-cpp" >&2
fi
rust=$work/src/rust-rayon/target/release/rust-rayon
cpp=$work/src/simdjson-cpp/simdjson-peer

# The corpora, made once (deterministic for the seed).
for shape in mixed tiny; do
	if [ ! -e "$work/$shape/.done" ]; then
		rm -rf "${work:?}/$shape"
		python3 "$root/scripts/peers-corpus.py" "$shape" "$work/$shape"
		touch "$work/$shape/.done"
	fi
done

bg=${BENCHGRID:-$work/benchgrid}
if [ -z "${BENCHGRID:-}" ]; then
	(cd "$root" && go build -pgo=off -o "$bg" ./cmd/benchgrid)
fi

impls=(-impl "rust=$rust {corpus}" -impl "cpp=$cpp {corpus}")
IFS=';' read -ra cfgs <<<"$configs"
for c in "${cfgs[@]}"; do
	# Leading VAR=value words are the process's environment
	# (BENCHGRID_TALLY=intern, GOGC=400); the rest are process's flags.
	envs=$(echo "$c" | grep -oE '^( *[A-Z_]+=[^ ]+)+' || true)
	flags=${c#"$envs"}
	# The name: parser/strategy/read, then flag=value or a lone flag
	# (-stream) for the others.
	name=""
	read -ra words <<<"$flags"
	for ((i = 0; i < ${#words[@]}; i++)); do
		f=${words[i]#-} v=""
		if ((i + 1 < ${#words[@]})) && [[ ${words[i + 1]} != -* ]]; then
			v=${words[i + 1]}
			i=$((i + 1))
		fi
		case $f in
		parser | strategy | read) part=$v ;;
		*) part=$f${v:+=$v} ;;
		esac
		name=${name:+$name/}$part
	done
	for e in $envs; do name="$name/${e#BENCHGRID_}"; done
	name=$(echo "$name" | tr 'A-Z=' 'a-z:') # paired.py splits NAME=CMD at the first =
	impls+=(-impl "$name=${envs:+env $envs }$bg process $flags {corpus}")
done
exec python3 "$root/scripts/paired.py" -rounds "$rounds" -ref rust -ref cpp \
	-corpus "mixed=$work/mixed" -corpus "tiny=$work/tiny" "${impls[@]}"
