#!/usr/bin/env bash
# Property-based tests of the JSON API with schemathesis: the release binary serves the bundled
# programme on a fresh SQLite database; schemathesis reads /api/openapi.json and sends the
# requests it generates from it (reads, and writes with an administrator's API token), valid
# and invalid, and checks that no answer is a server error and that every answer conforms to
# the document: documented status code, content type and body schema.
#
# RENOUVEAU_BIN: the `renouveau` binary to test (required).
# API_MAX_EXAMPLES (default 25): test cases generated per operation and phase.
# API_STATEFUL_SCENARIOS (default 200): sequences of calls chained by the document's links
# (create, then read, update, archive and restore the record created).
# API_SEED (default 1): hypothesis seed, so that a run can be repeated.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="${RENOUVEAU_BIN:?set RENOUVEAU_BIN to the renouveau binary (cargo build --release -p renouveau-cli)}"
[ -x "$bin" ] || { echo "RENOUVEAU_BIN=$bin is not an executable: build it first" >&2; exit 1; }
max_examples="${API_MAX_EXAMPLES:-25}"
stateful_scenarios="${API_STATEFUL_SCENARIOS:-200}"
seed="${API_SEED:-1}"

# schemathesis in a virtual environment of its own (the README's install step makes the same),
# made again when what it holds is not exactly what requirements.txt pins.
venv="$here/.venv"
pinned() { grep -v '^#' "$here/requirements.txt"; }
if ! [ -x "$venv/bin/pip" ] || [ "$("$venv/bin/pip" freeze 2>/dev/null)" != "$(pinned)" ]; then
    echo "Installing schemathesis into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

database="sqlite://$work/api.db"
email="api-admin@erbm.test"
cli() { "$bin" --database "$database" "$@"; }
# `user add` needs the organisation, which the demo programme brings: load it first.
cli init --demo >/dev/null
cli user add --email "$email" --org Région --role admin >/dev/null
token="$(cli token create --email "$email" | tail -n 1)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# The binary itself in the background (not the `cli` function, whose subshell would get the
# signal), so that stopping it stops the server.
"$bin" --database "$database" serve --demo --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
ready=""
for _ in $(seq 1 300); do
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
        "$base/healthz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "renouveau serve did not answer /healthz within 60 s:" >&2
    cat "$work/server.log" >&2
    exit 1
fi

# The stateful phase gets its own count (a command-line count would apply to every phase).
cat >"$work/schemathesis.toml" <<CONFIG
generation.max-examples = $max_examples

[phases.stateful]
max-steps = 20
generation.max-examples = $stateful_scenarios
CONFIG

# Runs in the scratch folder, where schemathesis and hypothesis leave their files.
status=0
(
    cd "$work"
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --header "Authorization: Bearer $token" \
        --seed "$seed" \
        --workers 2 \
        --request-timeout 10 \
        --no-color
) 2>&1 | tee "$work/schemathesis.log" || status=$?

# The count to quote, from schemathesis' summary ("Test cases:" then "N generated, ...").
cases="$(grep -A1 '^Test cases:' "$work/schemathesis.log" | sed -n 's/^ *\([0-9]*\) generated.*/\1/p')"
failures="$(grep -A1 '^Test cases:' "$work/schemathesis.log" | sed -n 's/.*found \([0-9]*\) unique failure.*/\1/p')"
echo "schemathesis: ${cases:-0} test cases, ${failures:-0} failures"
if [ "$status" -ne 0 ] || [ -z "$cases" ]; then
    echo "schemathesis failed (server errors logged below)" >&2
    grep -E 'ERROR|panicked' "$work/server.log" | tail -n 40 >&2 || true
    exit 1
fi
