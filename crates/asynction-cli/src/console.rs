//! Where a command writes: the process's standard output and error (the binary), or two
//! buffers (tests and programs that embed the commands). Commands write through a [`Console`]
//! only, so a command run in process prints exactly what the binary would, into the buffers.
//!
//! On the process's streams, plain text goes through `print!`/`eprint!` (as the binary always
//! did) and styled text through `anstream`, which strips the styles unless the stream is a
//! terminal (and honours `NO_COLOR` / `CLICOLOR_FORCE`). In buffers, styles are always
//! stripped. The logs of the long-running commands (`mock run`) are `tracing` events, which go
//! to the process's standard error in either case.

use std::fmt;
use std::io::{self, IsTerminal, Write};

/// The output streams of a command.
#[derive(Debug)]
pub struct Console {
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    /// The process's standard output and error.
    Process,
    /// In-memory standard output and error.
    Captured { out: Vec<u8>, err: Vec<u8> },
}

impl Console {
    /// The process's standard output and error, styled where they are terminals: what the
    /// `asynction` binary uses.
    pub fn std() -> Self {
        Console {
            sink: Sink::Process,
        }
    }

    /// Two empty buffers, never styled; read them with [`Console::stdout`] and
    /// [`Console::stderr`] after the command.
    pub fn captured() -> Self {
        Console {
            sink: Sink::Captured {
                out: Vec::new(),
                err: Vec::new(),
            },
        }
    }

    /// What the commands wrote to standard output so far (always empty for [`Console::std`]:
    /// that went to the process's stream).
    pub fn stdout(&self) -> &[u8] {
        match &self.sink {
            Sink::Process => &[],
            Sink::Captured { out, .. } => out,
        }
    }

    /// What the commands wrote to standard error so far (always empty for [`Console::std`]).
    pub fn stderr(&self) -> &[u8] {
        match &self.sink {
            Sink::Process => &[],
            Sink::Captured { err, .. } => err,
        }
    }

    /// Writes text to standard output (`print!`).
    pub(crate) fn print(&mut self, text: fmt::Arguments<'_>) {
        match &mut self.sink {
            Sink::Process => print!("{text}"),
            Sink::Captured { out, .. } => {
                let _ = out.write_fmt(text);
            }
        }
    }

    /// Writes text to standard error (`eprint!`).
    pub(crate) fn eprint(&mut self, text: fmt::Arguments<'_>) {
        match &mut self.sink {
            Sink::Process => eprint!("{text}"),
            Sink::Captured { err, .. } => {
                let _ = err.write_fmt(text);
            }
        }
    }

    /// Runs `write` on standard output as is (a report that is data, like JSON).
    pub(crate) fn out<R>(&mut self, write: impl FnOnce(&mut dyn Write) -> R) -> R {
        match &mut self.sink {
            Sink::Process => write(&mut io::stdout().lock()),
            Sink::Captured { out, .. } => write(out),
        }
    }

    /// Runs `write` on standard error as is (progress lines written in place).
    pub(crate) fn err<R>(&mut self, write: impl FnOnce(&mut dyn Write) -> R) -> R {
        match &mut self.sink {
            Sink::Process => write(&mut io::stderr().lock()),
            Sink::Captured { err, .. } => write(err),
        }
    }

    /// Runs `write` on standard output with ANSI styles kept only where they show.
    pub(crate) fn styled_out<R>(&mut self, write: impl FnOnce(&mut dyn Write) -> R) -> R {
        match &mut self.sink {
            Sink::Process => write(&mut anstream::stdout().lock()),
            Sink::Captured { out, .. } => write(&mut anstream::AutoStream::never(out)),
        }
    }

    /// Runs `write` on standard error with ANSI styles kept only where they show.
    pub(crate) fn styled_err<R>(&mut self, write: impl FnOnce(&mut dyn Write) -> R) -> R {
        match &mut self.sink {
            Sink::Process => write(&mut anstream::stderr().lock()),
            Sink::Captured { err, .. } => write(&mut anstream::AutoStream::never(err)),
        }
    }

    /// Whether standard error is a terminal (progress may then be redrawn in place).
    pub(crate) fn stderr_is_terminal(&self) -> bool {
        match self.sink {
            Sink::Process => io::stderr().is_terminal(),
            Sink::Captured { .. } => false,
        }
    }

    /// Reports a command line clap refused (or `--help` / `--version`) as the binary does,
    /// without colours in buffers; clap's exit code (2, or 0 for help and version).
    pub(crate) fn report_usage(&mut self, error: &clap::Error) -> std::process::ExitCode {
        match &mut self.sink {
            Sink::Process => {
                let _ = error.print();
            }
            Sink::Captured { out, err } => {
                let to = if error.use_stderr() { err } else { out };
                let _ = write!(to, "{}", error.render());
            }
        }
        std::process::ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
    }
}

/// `println!` to a [`Console`]'s standard output.
macro_rules! outln {
    ($console:expr) => {
        $console.print(format_args!("\n"))
    };
    ($console:expr, $($arg:tt)*) => {
        $console.print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` to a [`Console`]'s standard error.
macro_rules! errln {
    ($console:expr) => {
        $console.eprint(format_args!("\n"))
    };
    ($console:expr, $($arg:tt)*) => {
        $console.eprint(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, outln};
