//! `$ref` loops that never descend into the value (`A = B & {..}`, `B = A | string`): no
//! language can name such a type, so the references closing a loop become `unknown`.

use super::Types;
use super::ty::{Ty, Warning, intersection, union};

impl Types<'_> {
    /// Breaks `$ref` loops that never descend into the value (`A = B & {..}`, `B = A | string`):
    /// TypeScript cannot name such a type, and JSON Schema accepts no more through the loop than
    /// without it, so the references closing the loop become `unknown` (a warning each).
    pub(crate) fn break_direct_cycles(&mut self) {
        loop {
            let Some((def, target)) = self.find_direct_cycle() else {
                return;
            };
            let name = self.defs[def].name.clone();
            let ty = std::mem::replace(&mut self.defs[def].ty, Ty::Unknown);
            self.defs[def].ty = replace_direct(ty, &target);
            self.defs[def].doc.push(String::new());
            self.defs[def].doc.push(format!(
                "Approximation: the schema refers to itself through `{target}` without nesting (a `$ref` loop); that reference is `unknown`."
            ));
            self.warnings.push(Warning {
                pointer: self.defs[def].pointer.clone(),
                message: format!(
                    "type {name} refers to itself through {target} without nesting (a `$ref` loop); that reference is `unknown`"
                ),
            });
        }
    }

    /// A definition and a direct reference of it that leads back to it without nesting.
    fn find_direct_cycle(&self) -> Option<(usize, String)> {
        for (i, def) in self.defs.iter().enumerate() {
            for target in direct_refs(&def.ty) {
                let mut seen = vec![target.clone()];
                let mut stack = vec![target.clone()];
                while let Some(n) = stack.pop() {
                    if n == def.name {
                        return Some((i, target));
                    }
                    if let Some(d) = self.def(&n) {
                        for r in direct_refs(&d.ty) {
                            if !seen.contains(&r) {
                                seen.push(r.clone());
                                stack.push(r);
                            }
                        }
                    }
                }
            }
        }
        None
    }
}

/// Named types `ty` refers to without nesting (through unions and intersections only).
fn direct_refs(ty: &Ty) -> Vec<String> {
    match ty {
        Ty::Named(n) => vec![n.clone()],
        Ty::Union(m) | Ty::Intersection(m) => m.iter().flat_map(direct_refs).collect(),
        _ => Vec::new(),
    }
}

fn replace_direct(ty: Ty, target: &str) -> Ty {
    match ty {
        Ty::Named(n) if n == target => Ty::Unknown,
        Ty::Union(m) => union(m.into_iter().map(|t| replace_direct(t, target)).collect()),
        Ty::Intersection(m) => {
            intersection(m.into_iter().map(|t| replace_direct(t, target)).collect())
        }
        other => other,
    }
}
