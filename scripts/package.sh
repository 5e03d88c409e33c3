#!/usr/bin/env bash
# Builds the `asynction` binary once and makes every package from that one binary, into dist/:
#
#   dist/asynction-x86_64-unknown-linux-musl        the static binary (profile `dist`)
#   dist/asynction-image-VERSION.tar                the container image (`docker load -i …`),
#                                                   also tagged asynction:VERSION locally
#   dist/asynction_cli-VERSION-py3-none-….whl       the Python wheel (`pip install …`)
#   dist/asynction-cli-VERSION.tgz                  the npm launcher package
#   dist/asynction-cli-linux-x64-VERSION.tgz        its Linux x64 binary package
#   dist/SHA256SUMS
#
# The binary is static (musl): it runs on any x86_64 Linux, glibc or musl, and alone on
# `scratch` in the image (ARCHITECTURE.md, "Distribution"). It carries the features in
# FEATURES below; `asynction --version` lists them.
#
# Needs: the Rust target x86_64-unknown-linux-musl (installed with rustup when missing),
# maturin (pip install maturin), npm, and docker or podman. Environment:
#   ASYNCTION_CONTAINER  the container command (default: docker when its daemon answers, else
#                        podman), e.g. "podman --storage-driver vfs --runtime runc"
#   ASYNCTION_IMAGE      the image name (default asynction); tagged :VERSION and :latest
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-unknown-linux-musl
NPM_PLATFORM=linux-x64
FEATURES=otel
IMAGE=${ASYNCTION_IMAGE:-asynction}

fail() {
  echo "package.sh: $*" >&2
  exit 1
}

for tool in cargo maturin npm node; do
  command -v "$tool" >/dev/null || fail "$tool is missing (maturin: pip install maturin; npm and node: apt-get install nodejs npm)"
done
if [ -n "${ASYNCTION_CONTAINER:-}" ]; then
  read -r -a container <<<"$ASYNCTION_CONTAINER"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  container=(docker)
elif command -v podman >/dev/null; then
  container=(podman)
else
  fail "no container engine: install docker or podman (apt-get install podman runc), or set ASYNCTION_CONTAINER"
fi

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  echo "== installing the Rust target $TARGET"
  rustup target add "$TARGET" ||
    fail "cannot install the Rust target $TARGET (rustup target add $TARGET failed: is rustup's download server reachable?); the static binary needs it"
fi

rm -rf dist
mkdir -p dist

echo "== building the binary once: cargo build --profile dist --target $TARGET --features $FEATURES"
ASYNCTION_GIT_COMMIT=$(git rev-parse HEAD 2>/dev/null || true)
export ASYNCTION_GIT_COMMIT
cargo build --locked --profile dist -p asynction-cli --features "$FEATURES" --target "$TARGET"
built="target/$TARGET/dist/asynction"
binary="dist/asynction-$TARGET"
cp "$built" "$binary"
# `asynction 0.1.0 (1a2b3c4d5e6f)`
read -r _ version _ < <("$binary" -V)
[ -n "$version" ] || fail "$binary -V printed no version"
echo "asynction $version, commit ${ASYNCTION_GIT_COMMIT:-unknown}"

echo "== container image $IMAGE:$version (${container[*]})"
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$binary" "$context/asynction"
# The Dockerfile's `prebuilt` target: its runtime stage plus this binary (no Rust image pulled).
"${container[@]}" build -f Dockerfile --target prebuilt \
  --build-arg VERSION="$version" --build-arg GIT_COMMIT="$ASYNCTION_GIT_COMMIT" \
  -t "$IMAGE:$version" -t "$IMAGE:latest" "$context"
"${container[@]}" save -o "dist/asynction-image-$version.tar" "$IMAGE:$version"

echo "== Python wheel (maturin, the same cargo build: nothing recompiles)"
# A static binary needs no glibc: manylinux2014 (any glibc Linux) and musllinux (Alpine) both
# install it, as maturin's own wheels do.
maturin build --locked --profile dist --target "$TARGET" --features "$FEATURES" \
  --compatibility manylinux2014 musllinux_1_2 \
  --manifest-path crates/asynction-cli/Cargo.toml --out dist
cmp -s "$built" "target/$TARGET/dist/asynction" ||
  fail "maturin rebuilt the binary: the wheel would not hold the image's binary"

echo "== npm packages"
stage=$(mktemp -d)
trap 'rm -rf "$context" "$stage"' EXIT
cp -r npm/asynction-cli "$stage/launcher"
cp -r "npm/cli-$NPM_PLATFORM" "$stage/platform"
cp crates/asynction-cli/README.md "$stage/launcher/README.md"
mkdir -p "$stage/platform/bin"
install -m 0755 "$binary" "$stage/platform/bin/asynction"
# The version is the workspace's; the launcher lists every platform package of platforms.js.
node - "$stage" "$version" "$NPM_PLATFORM" "$TARGET" <<'EOF'
const fs = require("node:fs");
const path = require("node:path");
const [stage, version, platform, target] = process.argv.slice(2);
const edit = (file, change) => {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  change(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + "\n");
};
const platforms = require(path.resolve(stage, "launcher/platforms.js"));
if (platforms[platform]?.target !== target) {
  throw new Error(`platforms.js must map ${platform} to the target ${target}`);
}
edit(path.join(stage, "launcher/package.json"), (p) => {
  p.version = version;
  p.optionalDependencies = Object.fromEntries(Object.values(platforms).map((x) => [x.package, version]));
});
edit(path.join(stage, "platform/package.json"), (p) => {
  if (p.name !== platforms[platform].package) throw new Error(`${p.name} is not ${platforms[platform].package}`);
  p.version = version;
});
EOF
(cd "$stage/launcher" && npm pack --silent --pack-destination "$OLDPWD/dist" >/dev/null)
(cd "$stage/platform" && npm pack --silent --pack-destination "$OLDPWD/dist" >/dev/null)

(cd dist && sha256sum -- * >SHA256SUMS)
echo "== dist/"
image_size=$("${container[@]}" image inspect --format '{{.Size}}' "$IMAGE:$version")
printf '%-48s %s\n' "image $IMAGE:$version" "$(numfmt --to=iec --suffix=B "$image_size")"
(cd dist && for f in *; do printf '%-48s %s\n' "$f" "$(du -h --apparent-size -- "$f" | cut -f1)B"; done)
