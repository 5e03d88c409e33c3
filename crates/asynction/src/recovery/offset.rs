//! Offsets: where an event sits in a namespace's log, as a client sends it back.
//!
//! Written `"<milliseconds>-<sequence>"`, the form of a Redis Stream entry id, in both logs (in
//! memory and Redis Streams), so they order the same way and a client cannot tell which log
//! served it.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// The position of one event in a namespace's recovery log; ordered as the log is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Offset {
    pub ms: u64,
    pub seq: u64,
}

impl Offset {
    /// Before every entry (`Offset::default()`).
    #[cfg(test)]
    pub(crate) const ZERO: Offset = Offset { ms: 0, seq: 0 };

    /// The next offset after `last`, at wall-clock `now_ms` (never going back in time, as Redis
    /// does for stream ids).
    pub(crate) fn next_after(last: Offset, now_ms: u64) -> Offset {
        if now_ms > last.ms {
            Offset { ms: now_ms, seq: 0 }
        } else {
            Offset {
                ms: last.ms,
                seq: last.seq + 1,
            }
        }
    }

    /// An offset as a client sent it back; `None` when it is not one (`"12-x"`, `""`, a number).
    pub(crate) fn parse(text: &str) -> Option<Offset> {
        let (ms, seq) = text.split_once('-')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(ms) || !digits(seq) {
            return None;
        }
        Some(Offset {
            ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_back_what_they_write_and_refuse_anything_else() {
        let o = Offset {
            ms: 1733512345678,
            seq: 3,
        };
        assert_eq!(Offset::parse(&o.to_string()), Some(o));
        for bad in [
            "",
            "12",
            "12-",
            "-3",
            "12-x",
            "1.5-2",
            " 1-2",
            "1-2-3",
            "99999999999999999999999-0",
        ] {
            assert_eq!(Offset::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn offsets_increase_even_when_the_clock_does_not() {
        let a = Offset::next_after(Offset::ZERO, 100);
        let b = Offset::next_after(a, 100);
        let c = Offset::next_after(b, 90);
        let d = Offset::next_after(c, 101);
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
        assert_eq!(d, Offset { ms: 101, seq: 0 });
    }
}
