#!/usr/bin/env python3
"""Fails when two source files of one crate import each other, directly or around a circle.

The crate graph is acyclic by construction (Cargo refuses cycles); inside a crate Rust allows
any module to name any other, so this keeps the file-level layering ARCHITECTURE.md describes:
every `use crate::…` / `use super::…` (and `crate::…`/`super::…` paths in code) is an arrow
from the file that writes it to the file that defines the module it names; a circle is an
error, printed with the names that close it. A module's own children are its parts: a parent
naming its children (`mod x;`, re-exports) is no arrow, a child naming its parent is.
"""
import os, re, sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def crate_dirs():
    for base in ["crates", "bench"]:
        p = os.path.join(ROOT, base)
        if base == "bench":
            yield p
            continue
        for d in sorted(os.listdir(p)):
            if os.path.isdir(os.path.join(p, d, "src")):
                yield os.path.join(p, d)

def module_path(src, f):
    """`src/a/b.rs` → ['a','b']; `src/a/mod.rs` → ['a']; `src/lib.rs`/`main.rs` → []."""
    rel = os.path.relpath(f, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel

def strip(text):
    text = re.sub(r"//[^\n]*", "", text)           # comments and doc comments
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)  # string literals
    return text

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)

def main():
    circles = []
    for crate in crate_dirs():
        src = os.path.join(crate, "src")
        files = {}
        for d, _, fs in os.walk(src):
            for f in fs:
                if f.endswith(".rs"):
                    p = os.path.join(d, f)
                    files[tuple(module_path(src, p))] = p
        edges = defaultdict(set)
        def resolve(me_mod, head, tail):
            base = list(me_mod)
            if head == "crate":
                base = []
            elif head == "super":
                base = base[:-1]
            parts = base + [t for t in tail if t]
            while parts and tuple(parts) not in files:
                parts = parts[:-1]
            return tuple(parts) if tuple(parts) in files else None
        for mod, path in files.items():
            text = strip(open(path, encoding="utf-8").read())
            # `#[cfg(test)] mod tests { … }` blocks are tests, not layering
            text = re.sub(r"#\[cfg\(test\)\]\s*mod\s+tests\s*\{.*", "", text, flags=re.S)
            me = list(mod)
            is_mod_file = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
            me_for_super = me if is_mod_file else me
            def add(head, tail):
                # `super` in a.rs (module a) is a's parent; in a/mod.rs (module a) too.
                target = resolve(me_for_super, head, tail)
                if target is not None and target != mod and not (
                    len(target) > len(mod) and target[: len(mod)] == mod
                ):
                    edges[mod].add((target, "::".join(t for t in tail if t) or head))
            for m in USE_GROUP.finditer(text):
                head, prefix = m.group(1), m.group(2).split("::")[1:]
                for item in re.split(r",", m.group(3)):
                    item = item.strip().split(" as ")[0].strip()
                    if item and item != "self" and not item.startswith("{"):
                        add(head, prefix + item.split("::"))
                    elif item == "self":
                        add(head, prefix)
            for m in PATH.finditer(text):
                add(m.group(1), m.group(2).split("::")[1:])
        # Tarjan's strongly connected components
        index, low, stack, on, out = {}, {}, [], set(), []
        sys.setrecursionlimit(10000)
        def visit(v):
            index[v] = low[v] = len(index)
            stack.append(v); on.add(v)
            for w, _ in edges[v]:
                if w not in index:
                    visit(w); low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
        for v in list(files):
            if v not in index:
                visit(v)
        for comp in out:
            names = sorted(os.path.relpath(files[c], ROOT) for c in comp)
            arrows = [
                f"  {os.path.relpath(files[a], ROOT)} -> {os.path.relpath(files[b], ROOT)} ({why})"
                for a in comp for b, why in sorted(edges[a]) if b in comp
            ]
            circles.append("import circle: " + ", ".join(names) + "\n" + "\n".join(arrows))
    if circles:
        print("\n".join(circles))
        print("\nfiles that import each other: move what both need below both (see ARCHITECTURE.md)")
        sys.exit(1)
    print("no import circles between source files")

main()
