# syntax=docker/dockerfile:1
# The `asynction` command as a container image: a static (musl) binary on `scratch`, nothing
# else — no shell, no libc, no package manager.
#
#   docker build -t asynction --build-arg GIT_COMMIT="$(git rev-parse HEAD)" .
#   docker run --rm -p 5000:5000 -v "$PWD:/spec" asynction --spec asyncapi.yaml mock run
#
# Stages:
#   build     compiles the binary on the official Rust image (the default path above);
#   runtime   the final image's definition: everything but the binary;
#   prebuilt  runtime + a binary taken from the build context (`asynction` at its root):
#             scripts/package.sh builds the binary once and makes this image, the wheel and the
#             npm packages from it;
#   image     runtime + the binary of `build` (the last stage: what `docker build .` makes).
# Both images are `runtime` plus one COPY, so they cannot drift apart. BuildKit (Docker's
# builder since 23.0) and podman build only the stages the target needs.

ARG RUST_VERSION=1.95

FROM docker.io/library/rust:${RUST_VERSION}-slim AS build
# musl: one static binary that needs nothing from the image, and resolves /etc/hosts names
# (compose services, --add-host) without glibc's NSS modules. A layer of its own: cached.
RUN rustup target add "$(uname -m)-unknown-linux-musl"
# The commit `asynction --version` prints: the context has no .git (see .dockerignore).
ARG GIT_COMMIT=
# The Cargo features of the distributed binaries (see ARCHITECTURE.md, "Distribution").
ARG FEATURES=otel
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    target="$(uname -m)-unknown-linux-musl" \
    && ASYNCTION_GIT_COMMIT="$GIT_COMMIT" cargo build --locked --profile dist \
         -p asynction-cli --features "$FEATURES" --target "$target" \
    && mkdir -p /out \
    && cp "target/$target/dist/asynction" /out/asynction

FROM scratch AS runtime
ARG VERSION=0.1.0
ARG GIT_COMMIT=
LABEL org.opencontainers.image.title="asynction" \
      org.opencontainers.image.description="The asynction command: AsyncAPI documents for Socket.IO — validate, mock server, docs, diff, bundle, convert, generate, contract tests, Redis emit." \
      org.opencontainers.image.source="https://github.com/asynction/asynction-rs" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${GIT_COMMIT}"
# The mock listens on every interface, so that `-p 5000:5000` reaches it.
ENV ASYNCTION_HOST=0.0.0.0 \
    ASYNCTION_SPEC=/spec/asyncapi.yaml \
    ASYNCTION_SPEC_MOUNT=/spec
# Not root; numeric, as `scratch` has no /etc/passwd. Commands that write files into the
# mounted folder (docs, bundle --out, generate) need `--user "$(id -u):$(id -g)"`.
USER 65532:65532
WORKDIR /spec
EXPOSE 5000
ENTRYPOINT ["/usr/local/bin/asynction"]
CMD ["--help"]

FROM runtime AS prebuilt
COPY --chmod=0755 asynction /usr/local/bin/asynction

FROM runtime AS image
COPY --from=build /out/asynction /usr/local/bin/asynction
