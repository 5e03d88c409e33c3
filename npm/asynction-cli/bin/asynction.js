#!/usr/bin/env node
"use strict";
// The `asynction` command of the asynction-cli package: runs the native binary of this
// platform, which npm installed from its own package (an optional dependency whose `os` and
// `cpu` match), the way esbuild and Biome ship theirs. Arguments, standard streams, the exit
// code and Ctrl-C / SIGTERM pass through unchanged.
//
// ASYNCTION_BINARY=/path/to/asynction runs that binary instead (e.g. one built with
// `cargo install` on a platform without a package).
const { spawn } = require("node:child_process");
const platforms = require("../platforms.js");

const INSTALL_FROM_SOURCE =
  "Install the command from source instead (needs a Rust toolchain: https://rustup.rs):\n" +
  "  git clone https://github.com/asynction/asynction-rs && cd asynction-rs\n" +
  "  cargo install --locked --path crates/asynction-cli\n" +
  "then run `asynction`, or set ASYNCTION_BINARY to its path to keep using npx. " +
  "The container image (docker build -t asynction .) runs anywhere Docker does.";

/** The binary to run, or exits 1 with what to do when this platform has none. */
function binaryPath() {
  if (process.env.ASYNCTION_BINARY) return process.env.ASYNCTION_BINARY;
  const key = `${process.platform}-${process.arch}`;
  const platform = platforms[key];
  if (!platform) {
    fail(
      `asynction-cli has no binary for ${key} (it has: ${Object.keys(platforms).join(", ")}).\n` +
        INSTALL_FROM_SOURCE,
    );
  }
  try {
    return require.resolve(`${platform.package}/bin/asynction`);
  } catch {
    fail(
      `the package ${platform.package}, which holds the asynction binary for ${key}, is not ` +
        "installed: npm skips optional dependencies with --omit=optional (or --no-optional); " +
        "reinstall asynction-cli without it.\n" +
        INSTALL_FROM_SOURCE,
    );
  }
}

function fail(message) {
  process.stderr.write(`asynction: ${message}\n`);
  process.exit(1);
}

const binary = binaryPath();
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => fail(`cannot run ${binary}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so that callers see what the binary saw.
    for (const s of forwarded) process.removeAllListeners(s);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
