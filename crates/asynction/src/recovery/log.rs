//! The in-memory recovery log of one namespace on one node: every recoverable event with its
//! offset, bounded by age (the recovery window: an older entry can no longer be asked for) and
//! by length.
//!
//! Its mutex is the namespace's *delivery lock*: an event is appended and delivered to the live
//! clients while it is held, and a recovering client is replayed what it missed and joins its
//! rooms while it is held. So every event either is in its replay or reaches it live, never
//! both, and always after the older ones.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::entry::Entry;
use super::offset::{Offset, now_ms};
use super::session::Miss;

/// One namespace's log and delivery lock.
#[derive(Debug, Default)]
pub(crate) struct NamespaceLog {
    state: Mutex<LogState>,
}

impl NamespaceLog {
    /// Takes the delivery lock (a poisoned lock is taken over: the log stays consistent, as
    /// every change to it is one push or pop).
    pub(crate) fn lock(&self) -> MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The entries and the offsets that bound them.
#[derive(Debug, Default)]
pub(crate) struct LogState {
    entries: VecDeque<Logged>,
    /// The newest offset handed out.
    head: Offset,
    /// The newest offset dropped from the log (`ZERO`: nothing dropped yet).
    trimmed: Offset,
}

#[derive(Debug)]
struct Logged {
    offset: Offset,
    at: Instant,
    entry: Arc<Entry>,
}

/// Where the replay of a session that went live at `since`, whose client last received
/// `offset`, starts: the client has everything up to it (events before `since` were not meant
/// for the session).
pub(crate) fn replay_start(offset: Option<Offset>, since: Offset) -> Offset {
    offset.map_or(since, |o| o.max(since))
}

/// How much a log keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub max_age: Duration,
    pub max_len: usize,
}

impl LogState {
    /// Appends `entry` and drops what the bounds no longer keep; returns its offset.
    pub(crate) fn append(&mut self, entry: Entry, bounds: Bounds) -> Offset {
        let offset = Offset::next_after(self.head, now_ms());
        self.head = offset;
        let now = Instant::now();
        self.entries.push_back(Logged {
            offset,
            at: now,
            entry: Arc::new(entry),
        });
        while let Some(front) = self.entries.front() {
            let too_many = self.entries.len() > bounds.max_len;
            let too_old = now.duration_since(front.at) > bounds.max_age;
            if !(too_many || too_old) {
                break;
            }
            self.trimmed = front.offset;
            self.entries.pop_front();
        }
        offset
    }

    /// The newest offset handed out: a client that has it missed nothing.
    pub(crate) fn head(&self) -> Offset {
        self.head
    }

    /// Every entry after `from`, oldest first; a miss when `from` is ahead of the log (a
    /// forged or foreign offset) or entries after it were already dropped (the replay would
    /// be larger than the log).
    pub(crate) fn after(&self, from: Offset) -> Result<Vec<(Offset, Arc<Entry>)>, Miss> {
        if from > self.head {
            return Err(Miss::FutureOffset);
        }
        if from < self.trimmed {
            return Err(Miss::LogTrimmed);
        }
        let start = self.entries.partition_point(|l| l.offset <= from);
        Ok(self
            .entries
            .range(start..)
            .map(|l| (l.offset, l.entry.clone()))
            .collect())
    }

    /// Every entry a session that went live at `since` and whose client last received
    /// `offset` (none yet: `None`) missed: [`LogState::after`] the later of the two. A client
    /// offset ahead of the log is a miss even when `since` is not.
    pub(crate) fn replay_from(
        &self,
        offset: Option<Offset>,
        since: Offset,
    ) -> Result<Vec<(Offset, Arc<Entry>)>, Miss> {
        if offset.is_some_and(|o| o > self.head) {
            return Err(Miss::FutureOffset);
        }
        self.after(replay_start(offset, since))
    }

    /// Entries kept (for the log-size metric).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recovery::entry::Target;
    use crate::wire::Args;

    fn entry(n: i64) -> Entry {
        Entry {
            event: "tick".into(),
            args: Args::json(vec![n.into()]),
            target: Target::default(),
        }
    }

    const WIDE: Bounds = Bounds {
        max_age: Duration::from_secs(60),
        max_len: 3,
    };

    #[test]
    fn a_replay_starts_after_the_offset_and_misses_when_the_log_cannot_cover_it() {
        let mut log = LogState::default();
        let offsets: Vec<Offset> = (0..5).map(|n| log.append(entry(n), WIDE)).collect();
        assert_eq!(log.len(), 3);
        assert_eq!(log.head(), offsets[4]);
        let replay = log.after(offsets[2]).unwrap();
        assert_eq!(
            replay.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            offsets[3..]
        );
        assert!(log.after(offsets[4]).unwrap().is_empty());
        // Entry 1 was dropped: a client at offset 0 would miss it.
        assert_eq!(log.after(offsets[0]).unwrap_err(), Miss::LogTrimmed);
        // Entry 1 is the newest dropped one: a client that has it misses nothing kept.
        assert_eq!(log.after(offsets[1]).unwrap().len(), 3);
        let future = Offset::next_after(offsets[4], u64::MAX / 2);
        assert_eq!(log.after(future).unwrap_err(), Miss::FutureOffset);
    }

    #[test]
    fn entries_older_than_the_window_are_dropped() {
        let mut log = LogState::default();
        let short = Bounds {
            max_age: Duration::from_millis(20),
            max_len: 100,
        };
        let first = log.append(entry(0), short);
        std::thread::sleep(Duration::from_millis(40));
        log.append(entry(1), short);
        assert_eq!(log.len(), 1);
        assert_eq!(log.after(Offset::ZERO).unwrap_err(), Miss::LogTrimmed);
        assert_eq!(log.after(first).unwrap().len(), 1);
    }
}
