//! Where a subcommand reads from: a file named on the command line, or `-` for standard input.
//!
//! Errors name the file as it was given (or `standard input`) and the I/O error kind; never the
//! operating system's message, which may quote more than the path.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use crate::outcome::Unusable;

/// One input: a path or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// `-`: standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// `-` is standard input; anything else a path.
    pub(crate) fn from_arg(arg: &OsString) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    /// The name errors use: the path as given, or `standard input`.
    pub(crate) fn name(&self) -> String {
        match self {
            Input::Stdin => "standard input".to_owned(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// The size in bytes when known up front (a regular file), for progress bars.
    pub(crate) fn len_hint(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }

    /// Opens the input for streaming.
    pub(crate) fn open(&self) -> Result<Box<dyn Read>, Unusable> {
        match self {
            Input::Stdin => Ok(Box::new(std::io::stdin().lock())),
            Input::File(p) => match std::fs::File::open(p) {
                Ok(f) => Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, f))),
                Err(e) => Err(self.io_error(&e)),
            },
        }
    }

    /// Reads the whole input.
    pub(crate) fn read_all(&self) -> Result<Vec<u8>, Unusable> {
        let mut buf = Vec::new();
        match self {
            Input::Stdin => std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| self.io_error(&e))?,
            Input::File(p) => {
                buf = std::fs::read(p).map_err(|e| self.io_error(&e))?;
                buf.len()
            }
        };
        Ok(buf)
    }

    /// An I/O error on this input, by kind.
    pub(crate) fn io_error(&self, e: &std::io::Error) -> Unusable {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            std::io::ErrorKind::IsADirectory => "is a directory, not a file".to_owned(),
            k => format!("cannot be read ({k})"),
        };
        Unusable::input(self.name(), what)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_named_by_its_path_and_kind() {
        let i = Input::from_arg(&OsString::from("/nonexistent/ref.json"));
        let e = i.read_all().unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/ref.json: no such file");
        assert_eq!(Input::from_arg(&OsString::from("-")), Input::Stdin);
    }
}
