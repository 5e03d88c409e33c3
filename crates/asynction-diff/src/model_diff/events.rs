//! Events of a namespace both documents have: removed and added events, handler changes,
//! payloads and acks (an ack travels the other way from its event).

use std::collections::BTreeSet;

use asynction_spec::model::{ArgumentList, Event, Namespace, Schema};

use super::{Audience, Differ, Draft, Flow, Subject, affected, judge, show_opt};
use crate::schema::Tri;
use crate::{ChangeKind, Severity};

impl Differ<'_> {
    /// Client-sent events may only widen, server-sent ones may only narrow.
    pub(super) fn events(&mut self, o: &Namespace, n: &Namespace) {
        for (flow, olds, news) in [
            (Flow::ClientSent, &o.ingress, &n.ingress),
            (Flow::ServerSent, &o.egress, &n.egress),
        ] {
            let names = |evs: &[Event]| -> Vec<String> {
                let mut seen = BTreeSet::new();
                evs.iter()
                    .filter(|e| seen.insert(e.name.clone()))
                    .map(|e| e.name.clone())
                    .collect()
            };
            for name in names(olds) {
                let oe = olds.iter().find(|e| e.name == name).expect("listed");
                let ev = Subject {
                    ns: Some(&o.path),
                    ev: Some(&name),
                };
                match news.iter().find(|e| e.name == name) {
                    Some(ne) => self.event(ev, oe, ne, flow),
                    None => {
                        let (severity, affected) = match flow {
                            Flow::ClientSent => (
                                Severity::Breaking,
                                format!(
                                    "Clients that emit '{name}' on {} are answered with unknown_event.",
                                    o.path
                                ),
                            ),
                            Flow::ServerSent => (
                                Severity::Warning,
                                format!(
                                    "Clients listening for '{name}' on {} no longer receive it.",
                                    o.path
                                ),
                            ),
                        };
                        self.push(
                            ev,
                            Draft {
                                kind: ChangeKind::EventRemoved,
                                severity,
                                message: format!("{} event '{name}' removed", flow_word(flow)),
                                affected,
                                old: &oe.pointer,
                                new: &n.pointer,
                            },
                        );
                    }
                }
            }
            for name in names(news) {
                if !olds.iter().any(|e| e.name == name) {
                    let ne = news.iter().find(|e| e.name == name).expect("listed");
                    self.push(
                        Subject {
                            ns: Some(&n.path),
                            ev: Some(&name),
                        },
                        Draft {
                            kind: ChangeKind::EventAdded,
                            severity: Severity::Info,
                            message: format!("{} event '{name}' added", flow_word(flow)),
                            affected: "No existing client is affected.".to_owned(),
                            old: &o.pointer,
                            new: &ne.pointer,
                        },
                    );
                }
            }
        }
    }

    fn event(&mut self, at: Subject<'_>, o: &Event, n: &Event, flow: Flow) {
        let (ns, name) = (at.ns.unwrap_or_default(), at.ev.unwrap_or_default());
        if o.handler != n.handler {
            self.handler_changed(
                at,
                format!(
                    "x-handler changed from {} to {}",
                    show_opt(&o.handler),
                    show_opt(&n.handler)
                ),
                (&o.pointer, &n.pointer),
            );
        }
        let who = match flow {
            Flow::ClientSent => format!("Clients that emit '{name}' on {ns}"),
            Flow::ServerSent => format!("Clients listening for '{name}' on {ns}"),
        };
        let payload = Audience {
            at,
            flow,
            who: &who,
        };
        self.slot(
            payload,
            "payload",
            (o.payload.as_ref(), n.payload.as_ref()),
            (&o.pointer, &n.pointer),
        );
        // The ack travels the other way.
        let ack_flow = flow.reverse();
        match (&o.ack, &n.ack) {
            (None, None) => {}
            (Some(a), None) => {
                let (severity, affected) = match flow {
                    Flow::ClientSent => (
                        Severity::Breaking,
                        format!(
                            "Clients that emit '{name}' on {ns} and wait for its ack get none."
                        ),
                    ),
                    Flow::ServerSent => (
                        Severity::Info,
                        "No existing client is affected: acks clients send are ignored.".to_owned(),
                    ),
                };
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::AckRemoved,
                        severity,
                        message: "ack removed".to_owned(),
                        affected,
                        old: &a.pointer,
                        new: &n.pointer,
                    },
                );
            }
            (None, Some(b)) => {
                let (severity, affected) = match flow {
                    Flow::ClientSent => (
                        Severity::Info,
                        "No existing client is affected: clients that do not wait for the ack ignore it.".to_owned(),
                    ),
                    Flow::ServerSent => (
                        Severity::Warning,
                        format!("Clients listening for '{name}' on {ns} do not acknowledge it: the server waits for an ack they never send."),
                    ),
                };
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::AckAdded,
                        severity,
                        message: "ack added".to_owned(),
                        affected,
                        old: &o.pointer,
                        new: &b.pointer,
                    },
                );
            }
            (Some(a), Some(b)) => {
                let who = match ack_flow {
                    Flow::ServerSent => format!("Clients reading the ack of '{name}' on {ns}"),
                    Flow::ClientSent => format!("Clients acknowledging '{name}' on {ns}"),
                };
                let ack = Audience {
                    at,
                    flow: ack_flow,
                    who: &who,
                };
                self.slot(ack, "ack", (Some(a), Some(b)), (&a.pointer, &b.pointer));
            }
        }
    }

    /// A payload or ack (`what`): its argument rule and its schema; `parents` are the pointers
    /// that stand for a schema one document lacks.
    fn slot(
        &mut self,
        to: Audience<'_>,
        what: &str,
        (o, n): (Option<&Schema>, Option<&Schema>),
        parents: (&str, &str),
    ) {
        match (o, n) {
            (None, None) => {}
            (None, Some(b)) => {
                let severity = judge(Tri::Yes, Tri::No, to.flow).expect("a change");
                self.push(
                    to.at,
                    Draft {
                        kind: ChangeKind::ArgumentsChanged,
                        severity,
                        message: format!(
                            "{what} schema added: any arguments before, now {} checked",
                            args_word(b)
                        ),
                        affected: affected(to.who, to.flow, severity),
                        old: parents.0,
                        new: &b.pointer,
                    },
                );
            }
            (Some(a), None) => {
                let severity = judge(Tri::No, Tri::Yes, to.flow).expect("a change");
                self.push(
                    to.at,
                    Draft {
                        kind: ChangeKind::ArgumentsChanged,
                        severity,
                        message: format!("{what} schema removed: any arguments now accepted"),
                        affected: affected(to.who, to.flow, severity),
                        old: &a.pointer,
                        new: parents.1,
                    },
                );
            }
            (Some(a), Some(b)) => {
                if a.arguments != b.arguments {
                    self.push(
                        to.at,
                        Draft {
                            kind: ChangeKind::ArgumentsChanged,
                            severity: Severity::Breaking,
                            message: format!(
                                "{what} x-socketio-args changed from {} to {}",
                                args_word(a),
                                args_word(b)
                            ),
                            affected: format!(
                                "{} exchange argument lists of a different shape: every existing client is affected.",
                                to.who
                            ),
                            old: &a.pointer,
                            new: &b.pointer,
                        },
                    );
                }
                let findings = self.compare((&a.value, &a.pointer), (&b.value, &b.pointer), what);
                self.findings(to, findings);
            }
        }
    }
}

fn flow_word(flow: Flow) -> &'static str {
    match flow {
        Flow::ClientSent => "client-sent",
        Flow::ServerSent => "server-sent",
    }
}

fn args_word(s: &Schema) -> &'static str {
    match s.arguments {
        ArgumentList::Single => "single",
        ArgumentList::Spread => "spread",
    }
}
