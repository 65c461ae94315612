#!/usr/bin/env bash
# A whole federation on this machine, every party its own process, talking gRPC over mutual
# TLS on loopback: a federation CA, the appliance (`securefed-enclave run`), three key
# custodians (`securefed custodian`, 2 of 3 needed to decrypt), five clients by default
# (`securefed participate`) and the security team's operator commands. It runs one mask round
# and one HE round, exports the ledger and prints one JSON object that sums up what happened.
#
# Usage: scripts/loopback-federation.sh [--bin DIR] [--work DIR] [--dim D] [--clients N] [--train]
#                                      [--keep]
#   --bin DIR   folder holding securefed.dll and securefed-enclave.dll (default: build the
#               solution in Release and use each project's output)
#   --work DIR  folder for the federation's files (default: a new temporary folder)
#   --dim D     model update length of the synthetic updates (default 256)
#   --clients N clients, at least 5 (default 5); the appliance's peak memory in the summary
#               should not grow with N, since contributions are added as they arrive
#   --train     send trained updates instead of synthetic ones: data/wdbc.csv is dealt out
#               round-robin, one CSV per client, and each client runs `securefed train`
#               (logistic regression, seed 1, 5 epochs, features standardised by the public
#               ranges of data/wdbc.schema.json, record-level DP at epsilon 3, delta 1e-5).
#               The rounds' dimension is the trained parameter count, and the summary gains
#               `training`. Not with --dim.
#   --keep      keep the work folder (it is removed at the end otherwise)
#
# Progress goes to stderr and the summary to stdout. Needs dotnet, python3 and jq.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=""
work=""
dim=""
client_count=5
train=0
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bin) bin=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --dim) dim=$2; shift 2 ;;
        --clients) client_count=$2; shift 2 ;;
        --train) train=1; shift ;;
        --keep) keep=1; shift ;;
        *) echo "error: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

# Five is the fewest clients for which SecAgg+ has parameters at the 5% dropout and corrupt
# fractions the operator asks for.
if ! [[ "$client_count" =~ ^[0-9]+$ ]] || (( client_count < 5 || client_count > 100 )); then
    echo "error: --clients must be a whole number from 5 to 100" >&2
    exit 2
fi
if [[ $train -eq 1 && -n "$dim" ]]; then
    echo "error: --dim is not used with --train: the trained model sets the dimension" >&2
    exit 2
fi
dim=${dim:-256}
if ! [[ "$dim" =~ ^[0-9]+$ ]] || (( dim < 1 || dim > 10000000 )); then
    echo "error: --dim must be a whole number from 1 to 10000000" >&2
    exit 2
fi
if [[ $train -eq 1 && ! -f "$root/data/wdbc.csv" ]]; then
    echo "error: --train needs $root/data/wdbc.csv" >&2
    exit 1
fi

for tool in dotnet python3 jq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is not on PATH" >&2
        exit 1
    fi
done

log() { echo "[federation] $*" >&2; }

if [[ -z "$bin" ]]; then
    log "building the solution (Release)"
    dotnet build "$root/SecureFed.sln" -c Release -nologo -v quiet >&2
    client_dll="$root/src/SecureFed.Client/bin/Release/net10.0/securefed.dll"
    enclave_dll="$root/src/SecureFed.Enclave/bin/Release/net10.0/securefed-enclave.dll"
else
    client_dll="$bin/securefed.dll"
    enclave_dll="$bin/securefed-enclave.dll"
fi
for dll in "$client_dll" "$enclave_dll"; do
    if [[ ! -f "$dll" ]]; then
        echo "error: $dll not found" >&2
        exit 1
    fi
done

if [[ -z "$work" ]]; then
    work=$(mktemp -d -t securefed-federation.XXXXXX)
else
    mkdir -p "$work"
    if [[ -n "$(ls -A "$work")" ]]; then
        echo "error: --work $work is not empty" >&2
        exit 2
    fi
fi
work=$(cd "$work" && pwd)
pids=()

# Every background party is stopped on the way out, whatever happened; SIGTERM first so the
# appliance shuts down as systemd would stop it.
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ $status -ne 0 ]]; then
        log "failed; logs are in $work/logs"
        for f in "$work"/logs/*.log; do
            [[ -s "$f" ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
        done
    fi
    if [[ $keep -eq 0 && $status -eq 0 ]]; then
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT

securefed() { dotnet "$client_dll" "$@"; }
enclave() { dotnet "$enclave_dll" "$@"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

mkdir -p "$work/pki" "$work/logs" "$work/updates"
started=$(date +%s.%N)

# --- The federation CA and every party's certificate. Private keys are made by their owners
# (pki request) and never leave their folders; the CA signs the requests.
log "federation CA and certificates"
securefed pki init-ca --dir "$work/pki/ca" --name loopback-federation --days 30 --json >/dev/null
issue() { # role name [appliance options...]
    local role=$1 name=$2
    shift 2
    securefed pki request --role "$role" --name "$name" --out "$work/pki/$name" "$@" --json >/dev/null
    securefed pki issue --ca "$work/pki/ca" --csr "$work/pki/$name/$name.csr" --role "$role" \
        --name "$name" --out "$work/pki/$name/$name.crt" --days 30 "$@" --json >/dev/null
}
issue appliance appliance --ip 127.0.0.1 --dns localhost
issue operator operator
custodians=(custodian-1 custodian-2 custodian-3)
clients=()
for i in $(seq 1 "$client_count"); do clients+=("client-$i"); done
for name in "${custodians[@]}"; do issue custodian "$name"; done
for name in "${clients[@]}"; do issue client "$name"; done
ca_cert="$work/pki/ca/ca.crt"

# --- The appliance: initialise its state folder, then run it as a service would.
log "appliance: init and run"
init_json=$(enclave init --state-dir "$work/appliance" --ca-cert "$ca_cert" \
    --cert "$work/pki/appliance/appliance.crt" --key "$work/pki/appliance/appliance.key" \
    --epsilon 20 --delta 1e-5 --json)
port=$(free_port)
metrics_port=$(free_port)
address="https://127.0.0.1:$port"
# Background parties are started with dotnet directly (not through the shell functions), so
# that $! is the party's own process and a signal reaches it.
dotnet "$enclave_dll" run --state-dir "$work/appliance" --listen "127.0.0.1:$port" \
    --metrics-listen "127.0.0.1:$metrics_port" --task-poll-seconds 5 \
    >"$work/logs/appliance.log" 2>&1 &
appliance_pid=$!
pids+=("$appliance_pid")

operator() {
    securefed operator "$@" --enclave "$address" --ca-cert "$ca_cert" \
        --cert "$work/pki/operator/operator.crt" --key "$work/pki/operator/operator.key" --json
}

for _ in $(seq 1 60); do
    if operator status >/dev/null 2>&1; then break; fi
    if ! kill -0 "$appliance_pid" 2>/dev/null; then
        echo "error: the appliance exited during start-up" >&2
        exit 1
    fi
    sleep 0.5
done
operator status >/dev/null

# --- Enrollment: each participant proves its certificate to the appliance and gets its id.
log "enrolling ${#custodians[@]} custodians and ${#clients[@]} clients"
for name in "${custodians[@]}" "${clients[@]}"; do
    securefed enroll --enclave "$address" --ca-cert "$ca_cert" \
        --cert "$work/pki/$name/$name.crt" --key "$work/pki/$name/$name.key" \
        --state-dir "$work/parties/$name" --json >"$work/logs/$name.enroll.json"
done

# Each client keeps its own privacy budget and refuses a round that would exceed it.
for name in "${clients[@]}"; do
    securefed budget --state-dir "$work/parties/$name" --init --epsilon 20 --delta 1e-5 --json >/dev/null
done

# --- Key ceremony: custodians run as long-lived processes that join the ceremony and then
# answer one decryption request each (the HE round's).
log "key ceremony (2 of 3)"
custodian_pids=()
for name in "${custodians[@]}"; do
    dotnet "$client_dll" custodian --state-dir "$work/parties/$name" --rounds 1 --json \
        >"$work/logs/$name.json" 2>"$work/logs/$name.log" &
    custodian_pids+=($!)
    pids+=($!)
done
ceremony_json=$(operator start-ceremony --custodians "$(IFS=,; echo "${custodians[*]}")" --threshold 2)
for _ in $(seq 1 120); do
    if [[ $(operator status | jq -r .collective_key_ready) == true ]]; then break; fi
    sleep 0.5
done
if [[ $(operator status | jq -r .collective_key_ready) != true ]]; then
    echo "error: the key ceremony did not finish" >&2
    exit 1
fi

# --- Model updates: small float32 vectors, one .npy file per client, well inside the clip
# norm of 1.
synthetic_updates() {
    python3 - "$work/updates" "$dim" "${#clients[@]}" <<'EOF'
import struct, sys
folder, dim, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for c in range(count):
    values = [((i * 7 + c * 13) % 11 - 5) / (50.0 * dim ** 0.5) for i in range(dim)]
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % dim
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(f"{folder}/client-{c + 1}.npy", "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % dim, *values))
EOF
}

# --- Or trained updates: each client trains on its share of wdbc from the same seeded start.
# The features are standardised by the schema's public ranges, so no client's data shapes
# them: each is clamped to its range and put on its log scale where the schema gives a
# log_offset (the "preprocessing" of the standardization file), then centred on the midpoint
# of the range on that scale and divided by a sixth of its width (FeatureSchema.RangeMoments).
# The record-level accountant (record-dp.json) shares the participant's state folder without
# sharing a name with its files. Limitation: one training call serves both rounds, so the
# accountant is planned for two calls but spends the epsilon of one; sending the same update
# twice is post-processing and costs no more at the record level.
trained_updates() {
    mkdir -p "$work/data"
    python3 - "$root/data" "$work/data" "${#clients[@]}" <<'EOF'
import json, math, sys
source, folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(f"{source}/wdbc.csv") as f:
    header, *rows = f.read().splitlines()
for c in range(count):
    with open(f"{folder}/client-{c + 1}.csv", "w") as f:
        f.write("\n".join([header, *rows[c::count]]) + "\n")
with open(f"{source}/wdbc.schema.json") as f:
    features = json.load(f)["features"]
def scaled(r, x):
    return math.log(x + r["log_offset"]) if "log_offset" in r else x
ends = [(scaled(r, r["min"]), scaled(r, r["max"])) for r in features]
moments = {
    "preprocessing": features,
    "mean": [(lo + hi) / 2 for lo, hi in ends],
    "scale": [(hi - lo) / 6 for lo, hi in ends],
}
with open(f"{folder}/standardization.json", "w") as f:
    json.dump(moments, f)
EOF
    for name in "${clients[@]}"; do
        securefed train --data "$work/data/$name.csv" --label-column diagnosis --classes B,M \
            --standardization "$work/data/standardization.json" --seed 1 --epochs 5 \
            --update-out "$work/updates/$name.npy" \
            --record-epsilon 3 --record-delta 1e-5 --planned-rounds 2 \
            --state-dir "$work/parties/$name" \
            --json >"$work/logs/$name.train.json" 2>"$work/logs/$name.train.log"
    done
    local reports=() lengths
    for name in "${clients[@]}"; do reports+=("$work/logs/$name.train.json"); done
    lengths=$(jq -s '[.[].update_length] | unique' "${reports[@]}")
    if [[ $(jq length <<<"$lengths") -ne 1 ]]; then
        echo "error: the clients' updates differ in length: $lengths" >&2
        exit 1
    fi
    dim=$(jq '.[0]' <<<"$lengths")
}

if [[ $train -eq 1 ]]; then
    log "training ${#clients[@]} clients on their shares of wdbc"
    trained_updates
else
    synthetic_updates
fi

# One round: clients wait for their task first, then the operator opens the round. Every
# client must contribute: with distributed noise a round that may finish with fewer clients
# carries less noise, and each client's own budget charges it for that worst case.
run_round() { # mode
    local mode=$1
    local client_pids=()
    for name in "${clients[@]}"; do
        dotnet "$client_dll" participate --enclave "$address" --state-dir "$work/parties/$name" \
            --update "$work/updates/$name.npy" \
            --rounds 1 --json >"$work/logs/$name.$mode.json" 2>"$work/logs/$name.$mode.log" &
        client_pids+=($!)
        pids+=($!)
    done
    operator open-round --mode "$mode" --clients "${#clients[@]}" --min-clients "${#clients[@]}" --dim "$dim" \
        --noise-multiplier 1 --clip 1 >"$work/logs/open-$mode.json"
    local failed=0
    for pid in "${client_pids[@]}"; do
        wait "$pid" || failed=1
    done
    if [[ $failed -ne 0 ]]; then
        echo "error: a client failed in the $mode round" >&2
        exit 1
    fi
}

log "mask round"
run_round mask
log "HE round"
run_round he

# The two custodians the appliance asked have answered and exit on their own; the third was
# never asked and is stopped as a service would be, printing its report as it goes.
for _ in $(seq 1 40); do
    running=0
    for pid in "${custodian_pids[@]}"; do
        kill -0 "$pid" 2>/dev/null && running=$((running + 1))
    done
    [[ $running -le 1 ]] && break
    sleep 0.25
done
for pid in "${custodian_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
done

# --- What an auditor takes away: the exported ledger and the appliance's own status.
log "ledger export and status"
export_json=$(enclave ledger export --state-dir "$work/appliance" --out "$work/ledger.json" --json)
status_json=$(operator status)
offline_json=$(enclave status --state-dir "$work/appliance" --json)

# The appliance's peak resident memory over both rounds, then a stop as systemd would send it;
# a clean stop exits 0.
peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$appliance_pid/status" 2>/dev/null || echo 0)
kill -TERM "$appliance_pid"
appliance_exit=0
wait "$appliance_pid" || appliance_exit=$?
pids=()
elapsed=$(python3 -c "import time; print(round(time.time() - $started, 1))")

rounds=$(for mode in mask he; do
    for name in "${clients[@]}"; do
        jq -c --arg client "$name" '.rounds[0] + {client: $client}' "$work/logs/$name.$mode.json"
    done
done | jq -s .)
training='null'
if [[ $train -eq 1 ]]; then
    training=$(for name in "${clients[@]}"; do
        jq -c --arg client "$name" '{client: $client, examples, parameters, update_length,
            accuracy_before, accuracy_after, record_epsilon, record_delta}' \
            "$work/logs/$name.train.json"
    done | jq -s .)
fi
custodians_json=$(for name in "${custodians[@]}"; do
    jq -c --arg custodian "$name" '. + {custodian: $custodian}' "$work/logs/$name.json" 2>/dev/null \
        || echo "{\"custodian\": \"$name\", \"error\": \"no report\"}"
done | jq -s .)

jq -n \
    --argjson init "$init_json" \
    --argjson ceremony "$ceremony_json" \
    --argjson open_mask "$(cat "$work/logs/open-mask.json")" \
    --argjson open_he "$(cat "$work/logs/open-he.json")" \
    --argjson rounds "$rounds" \
    --argjson training "$training" \
    --argjson custodians "$custodians_json" \
    --argjson export "$export_json" \
    --argjson status "$status_json" \
    --argjson offline "$offline_json" \
    --arg work "$work" --argjson kept "$keep" --argjson seconds "$elapsed" \
    --argjson peak_kib "${peak_kib:-0}" --argjson appliance_exit "$appliance_exit" \
    '{
        federation_id: $init.federation_id,
        ledger_public_key: $init.ledger_public_key,
        seconds: $seconds,
        appliance_peak_rss_bytes: ($peak_kib * 1024),
        appliance_exit: $appliance_exit,
        work: (if $kept == 1 then $work else null end),
        ceremony: $ceremony,
        rounds_opened: [$open_mask.round, $open_he.round],
        model_dimensions: [$open_mask.model_dimension, $open_he.model_dimension],
        contributed: ([$rounds[] | select(.status == "contributed")] | length),
        receipts_verified: ([$rounds[] | select(.receipt_verified)] | length),
        clients: $rounds,
        custodians: $custodians,
        ledger: $export,
        status: $status,
        offline_status: $offline
    } + (if $training == null then {} else {training: $training} end)'
