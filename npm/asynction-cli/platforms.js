"use strict";
// The platforms that have a binary package: `${process.platform}-${process.arch}` → the npm
// package that holds the binary, and the Rust target it is built for. Adding a platform is a
// line here and a folder beside npm/cli-linux-x64: the launcher does not change, and
// scripts/package.sh lists every package here in `optionalDependencies` (npm installs only the
// one whose `os` and `cpu` match the machine).
module.exports = {
  "linux-x64": { package: "@asynction/cli-linux-x64", target: "x86_64-unknown-linux-musl" },
};
