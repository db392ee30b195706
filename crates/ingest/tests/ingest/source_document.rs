//! The programme's source document (the seed text the bundled figures point into) is not in the
//! repository: tests that read it take its path from `RENOUVEAU_SOURCE_DOCUMENT`, are ignored
//! unless asked for, and then fail when the variable does not lead to the file. Their names
//! contain `source_document`, so that `-E 'test(/source_document/)'` selects them.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

pub const VARIABLE: &str = "RENOUVEAU_SOURCE_DOCUMENT";

/// The source document's path; panics with what to do when it is not there.
pub fn path() -> PathBuf {
    let value = std::env::var_os(VARIABLE);
    resolve(value.as_deref()).unwrap_or_else(|problem| panic!("{problem}"))
}

/// A relative path is taken from the repository's root, where `cargo` is run, although tests
/// run in their crate's folder.
fn resolve(value: Option<&OsStr>) -> Result<PathBuf, String> {
    let value = value.filter(|v| !v.is_empty()).ok_or_else(|| {
        format!(
            "{VARIABLE} is not set: this test reads the programme's source document, which is not \
             in the repository; set {VARIABLE} to its path (absolute, or relative to the \
             repository's root)"
        )
    })?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(value);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{VARIABLE}={} does not lead to a file (looked for {})",
            value.to_string_lossy(),
            path.display()
        ))
    }
}

#[test]
fn an_unset_or_empty_variable_says_what_to_set() {
    for value in [None, Some(OsStr::new(""))] {
        let problem = resolve(value).unwrap_err();
        assert!(
            problem.contains("RENOUVEAU_SOURCE_DOCUMENT is not set"),
            "{problem}"
        );
    }
}

#[test]
fn a_missing_file_is_named() {
    let problem = resolve(Some(OsStr::new("nowhere/seed.txt"))).unwrap_err();
    assert!(
        problem.contains("=nowhere/seed.txt does not lead to a file"),
        "{problem}"
    );
}

#[test]
fn a_relative_path_is_taken_from_the_repository_root() {
    let found = resolve(Some(OsStr::new("data/territoire/README.md"))).unwrap();
    assert!(found.ends_with("data/territoire/README.md"));
    assert!(found.is_file());
    let absolute = found.canonicalize().unwrap();
    assert_eq!(resolve(Some(absolute.as_os_str())).unwrap(), absolute);
}
