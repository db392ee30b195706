#!/usr/bin/env bash
# Builds the fuzz targets and runs each one for a bounded time (default 20 s, or the first
# argument); stops on the first failure, naming the input that caused it. Prints the number of
# inputs each target ran. Needs cargo-fuzz (`cargo install --locked cargo-fuzz`); works on the
# stable toolchain, without a sanitizer (the code under test has no unsafe code).
#
# fuzz/run.sh [SECONDS [TARGET...]]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renouveau-target}"
# A build folder of its own: the instrumented build shares nothing with the workspace's.
flags=(--sanitizer none --codegen-units 16 --target-dir "$CARGO_TARGET_DIR/fuzz")

if ! cargo fetch --locked --manifest-path fuzz/Cargo.toml --quiet; then
    echo "fuzz/Cargo.lock is out of date (a crate's dependencies changed): run" \
        "\`cargo fetch --manifest-path fuzz/Cargo.toml\` and commit fuzz/Cargo.lock" >&2
    exit 1
fi
cargo fuzz build "${flags[@]}"

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
for target in "${targets[@]}"; do
    # The corpus grows between local runs (fuzz/corpus is not committed); seeds are.
    mkdir -p "fuzz/corpus/$target"
    corpora=("fuzz/corpus/$target")
    [ -d "fuzz/seeds/$target" ] && corpora+=("fuzz/seeds/$target")
    if ! cargo fuzz run "${flags[@]}" "$target" "${corpora[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$logs/$target" 2>&1; then
        tail -n 40 "$logs/$target" >&2
        echo "fuzz target $target failed: the input is saved under fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target")"
    printf 'fuzz %-15s %10s executions in %s s, no failure\n' "$target" "${runs:-?}" "$seconds"
done
