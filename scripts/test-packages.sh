#!/usr/bin/env bash
# End-to-end test of the three packages, run as their users run them (.ci/run calls it after the
# Rust tests). scripts/package.sh builds the binary once and makes the container image, the
# wheel and the npm packages into dist/; then, against real peers (the Node socket.io-client and
# python-socketio of tests/peers, a redis-server started here on a free port, podman):
#   image  --version; the mock from a mounted document, driven from outside (valid event acked,
#          invalid one refused, /docs served); `emit` to Redis addressed by a hostname
#          (--add-host); `run` without a mounted document names /spec/asyncapi.yaml and -v
#   wheel  installed into a fresh venv: validate, and the mock driven by python-socketio
#   npm    both tarballs installed into a fresh folder: npx asynction validate; the launcher on
#          a platform without a binary exits 1 naming `cargo install`
# Each check prints what it checks and, when it fails, why; the run fails if any check did.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# This machine has no Docker daemon: rootful podman with runc, vfs storage and cgroupfs works
# everywhere (containers, CI sandboxes); images cannot be pulled, and none is needed.
podman=(podman --storage-driver vfs --cgroup-manager cgroupfs --runtime runc)
run_flags=(--rm --network host --ulimit nofile=10000:10000 --ulimit nproc=1024:1024)
image=asynction-package-test
export ASYNCTION_CONTAINER="${podman[*]}" ASYNCTION_IMAGE=$image

scripts/package.sh

version=$(dist/asynction-x86_64-unknown-linux-musl -V | awk '{print $2}')
commit=$(git rev-parse HEAD 2>/dev/null | cut -c1-12 || echo unknown)
binary=$root/dist/asynction-x86_64-unknown-linux-musl
work=$(mktemp -d "${TMPDIR:-/tmp}/asynction-packages.XXXXXX")
chmod 755 "$work"
pids=()
containers=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for c in "${containers[@]}"; do "${podman[@]}" rm -f "$c" >/dev/null 2>&1 || true; done
  "${podman[@]}" rmi -f "$image:$version" "$image:latest" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { echo "check: $*"; }
ok() { passed=$((passed + 1)); echo "  ok"; }
bad() { failed=$((failed + 1)); echo "  FAILED: $*"; }

# A folder holding the example document as asyncapi.yaml, readable by the image's user.
spec_dir=$work/spec
mkdir -p "$spec_dir"
cp examples/user_accounts/asyncapi.yaml "$spec_dir/asyncapi.yaml"
chmod 755 "$spec_dir"
chmod 644 "$spec_dir/asyncapi.yaml"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_banner LOG PID: "HOST PORT" of the mock's "listening on http://HOST:PORT" line in
# LOG; nothing after 60 s or once the process PID has died.
wait_for_banner() {
  local log=$1 pid=$2 line
  for _ in $(seq 600); do
    line=$(grep -m1 -o 'listening on http://[^ ]*' "$log" 2>/dev/null || true)
    if [ -n "$line" ]; then
      line=${line#listening on http://}
      echo "${line%:*} ${line##*:}"
      return
    fi
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

# The user_accounts scenario: a valid `log in` is acknowledged with a boolean, an invalid one is
# refused with an `invalid_payload` error ack. drive_mock CLIENT PORT: "" or what went wrong.
drive_mock() {
  local client=$1 port=$2 out scenario
  scenario=$(printf '{"url":"http://127.0.0.1:%s","steps":[%s,%s,%s]}' "$port" \
    '{"op":"connect","id":"a","ns":"/user"}' \
    '{"op":"emit","id":"a","event":"log in","args":[{"username":"ada","password":"lovelace1815"}],"ack":true}' \
    '{"op":"emit","id":"a","event":"log in","args":[{"username":""}],"ack":true}')
  case $client in
    node) out=$(node tests/peers/sio-client.mjs "$scenario" 2>&1) || true ;;
    python) out=$(python3 tests/peers/sio_client.py "$scenario" 2>&1) || true ;;
  esac
  python3 - "$out" <<'EOF'
import json, sys
try:
    r = json.loads(sys.argv[1].strip().splitlines()[-1])
    problems = []
    if r[0] != {"connected": True}:
        problems.append(f"connect: {r[0]}")
    if not isinstance((r[1].get("ack") or [None])[0], bool):
        problems.append(f"the valid event was not acked with a boolean: {r[1]}")
    code = ((r[2].get("ack") or [{}])[0] or {}).get("error", {}).get("code")
    if code != "invalid_payload":
        problems.append(f"the invalid event was not refused with invalid_payload: {r[2]}")
    print("; ".join(problems))
except Exception as e:
    print(f"the client's output is not the scenario's result ({e}): {sys.argv[1]}")
EOF
}

echo "== container image $image:$version"
check "the image's asynction --version names $version, commit $commit and the otel feature"
out=$("${podman[@]}" run "${run_flags[@]}" "$image:$version" --version 2>&1) || true
if grep -q "$version (commit $commit)" <<<"$out" && grep -q "features: otel" <<<"$out"; then ok; else bad "printed: $out"; fi

check "the image holds the binary package.sh built (one build for every package)"
"${podman[@]}" create --name asynction-package-copy "$image:$version" >/dev/null
containers+=(asynction-package-copy)
"${podman[@]}" cp asynction-package-copy:/usr/local/bin/asynction "$work/from-image" 2>&1
if cmp -s "$binary" "$work/from-image"; then ok; else bad "/usr/local/bin/asynction differs from $binary"; fi

check "the Dockerfile's VERSION default is the workspace version ($version), for docker build ."
if grep -qx "ARG VERSION=$version" Dockerfile; then ok; else bad "Dockerfile has $(grep '^ARG VERSION=' Dockerfile)"; fi

check "the image runs as a non-root user, labelled with source, version and licence"
labels=$("${podman[@]}" image inspect --format '{{.Config.User}} {{index .Labels "org.opencontainers.image.version"}} {{index .Labels "org.opencontainers.image.licenses"}} {{index .Labels "org.opencontainers.image.source"}}' "$image:$version")
if [[ $labels == "65532:65532 $version MIT https://"* ]]; then ok; else bad "user, version, licence, source: $labels"; fi

check "mock run from a mounted document listens on 0.0.0.0 and serves a Node socket.io-client from outside"
"${podman[@]}" run "${run_flags[@]}" --name asynction-package-mock -v "$spec_dir:/spec:ro" \
  "$image:$version" mock run --port 0 >"$work/mock.log" 2>&1 &
pids+=($!)
containers+=(asynction-package-mock)
read -r banner_host port < <(wait_for_banner "$work/mock.log" "${pids[-1]}"; echo)
if [ -z "$port" ]; then
  bad "no banner: $(cat "$work/mock.log")"
elif [ "$banner_host" != 0.0.0.0 ]; then
  bad "listening on $banner_host, not 0.0.0.0 (ASYNCTION_HOST)"
else
  problems=$(drive_mock node "$port")
  if [ -z "$problems" ]; then ok; else bad "$problems"; fi
  check "the mock in the image serves /docs"
  docs=$(curl -fsS "http://127.0.0.1:$port/docs" 2>&1) || true
  if grep -q "User Account Service" <<<"$docs"; then ok; else bad "GET /docs: $(head -c 300 <<<"$docs")"; fi
fi
"${podman[@]}" stop -t 5 asynction-package-mock >/dev/null 2>&1 || true

check "emit from the image publishes to a redis-server addressed by a hostname (--add-host)"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$redis_port" psubscribe '*' >"$work/published.log" 2>&1 &
pids+=($!)
sleep 0.3
out=$("${podman[@]}" run "${run_flags[@]}" --add-host "redis.test:127.0.0.1" -v "$spec_dir:/spec:ro" \
  "$image:$version" emit --redis "redis://redis.test:$redis_port" --namespace /admin --event metrics '"signup"' 2>&1) || true
sleep 0.3
if grep -q "published 'metrics' to /admin" <<<"$out" && grep -q signup "$work/published.log"; then
  ok
else
  bad "emit printed: $out; Redis received: $(tr '\n' ' ' <"$work/published.log")"
fi

check "run without a mounted document names /spec/asyncapi.yaml and how to mount it"
set +e
out=$("${podman[@]}" run "${run_flags[@]}" "$image:$version" mock run 2>&1)
code=$?
set -e
if [ "$code" = 1 ] && grep -q "/spec/asyncapi.yaml" <<<"$out" && grep -qF -- '-v "$PWD:/spec"' <<<"$out"; then ok; else bad "exit $code: $out"; fi

echo "== Python wheel"
wheel=$(ls dist/*.whl)
check "$(basename "$wheel") installs into a fresh venv and gives the asynction command"
python3 -m venv "$work/venv"
if "$work/venv/bin/pip" install -q --no-index "$wheel" >"$work/pip.log" 2>&1 &&
  "$work/venv/bin/asynction" --version | grep -q "$version (commit $commit)"; then
  ok
else
  bad "$(cat "$work/pip.log")"
fi

check "the wheel's asynction is the binary package.sh built"
if cmp -s "$binary" "$work/venv/bin/asynction"; then ok; else bad "$work/venv/bin/asynction differs"; fi

check "asynction validate from the venv"
out=$(cd "$spec_dir" && "$work/venv/bin/asynction" validate 2>&1) || true
if grep -q "asyncapi.yaml" <<<"$out" && (cd "$spec_dir" && "$work/venv/bin/asynction" validate >/dev/null 2>&1); then ok; else bad "$out"; fi

check "asynction mock run from the venv serves a python-socketio client"
"$work/venv/bin/asynction" --spec "$spec_dir/asyncapi.yaml" mock run --port 0 >"$work/venv-mock.log" 2>&1 &
pids+=($!)
read -r banner_host port < <(wait_for_banner "$work/venv-mock.log" "${pids[-1]}"; echo)
if [ -z "$port" ]; then
  bad "no banner: $(cat "$work/venv-mock.log")"
else
  problems=$(drive_mock python "$port")
  if [ -z "$problems" ]; then ok; else bad "$problems"; fi
fi
kill "${pids[-1]}" 2>/dev/null || true

echo "== npm packages"
check "both tarballs install into a fresh folder; npx asynction validate runs the binary"
mkdir -p "$work/npm"
(cd "$work/npm" && npm init -y >/dev/null &&
  npm install --offline --no-audit --no-fund "$root/dist/asynction-cli-$version.tgz" \
    "$root/dist/asynction-cli-linux-x64-$version.tgz" >"$work/npm.log" 2>&1) || true
out=$(cd "$work/npm" && cp "$spec_dir/asyncapi.yaml" . && npx --no-install asynction validate 2>&1) || true
if grep -q "asyncapi.yaml" <<<"$out" && (cd "$work/npm" && npx --no-install asynction validate >/dev/null 2>&1); then
  ok
else
  bad "npx asynction validate: $out; npm install: $(tail -5 "$work/npm.log")"
fi

check "npx asynction passes the exit code and --version through"
set +e
(cd "$work/npm" && npx --no-install asynction --spec missing.yaml validate >/dev/null 2>&1)
code=$?
set -e
out=$(cd "$work/npm" && npx --no-install asynction --version 2>&1) || true
if [ "$code" = 1 ] && grep -q "$version (commit $commit)" <<<"$out"; then ok; else bad "exit $code for a missing document; --version: $out"; fi

check "the npm package's binary is the one package.sh built"
if cmp -s "$binary" "$work/npm/node_modules/@asynction/cli-linux-x64/bin/asynction"; then ok; else bad "differs or missing"; fi

check "the launcher on a platform without a binary exits 1 and names cargo install"
# The launcher reads process.platform; a preload makes this Node report another one.
echo 'Object.defineProperty(process, "platform", { value: "sunos" });' >"$work/sunos.cjs"
set +e
out=$(cd "$work/npm" && node --require "$work/sunos.cjs" node_modules/asynction-cli/bin/asynction.js --version 2>&1)
code=$?
set -e
if [ "$code" = 1 ] && grep -q "no binary for sunos-x64" <<<"$out" && grep -q "cargo install" <<<"$out"; then ok; else bad "exit $code: $out"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
