//! Where the territory files are read from: the copy embedded in the binary, or a folder.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use super::files::EMBEDDED;
use crate::{IngestError, Result};

/// Where the import reads the open-data files.
#[derive(Debug, Clone, Copy)]
pub enum TerritorySource<'a> {
    /// The repository's `data/territoire`, embedded in the binary when it was built: the import
    /// needs no folder at run time.
    Bundled,
    /// A folder laid out like `data/territoire` (same file names), e.g. a newer vintage.
    Folder(&'a Path),
}

impl TerritorySource<'_> {
    /// The text of `name`, a path relative to the folder.
    pub fn text(self, name: &str) -> Result<Cow<'static, str>> {
        match self {
            Self::Bundled => EMBEDDED
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, text)| Cow::Borrowed(*text))
                .ok_or_else(|| IngestError::data(name, 0, "not a file of the territory data")),
            Self::Folder(dir) => {
                let path = dir.join(name);
                std::fs::read_to_string(&path)
                    .map(Cow::Owned)
                    .map_err(|e| IngestError::io(&path, e))
            }
        }
    }
}

impl fmt::Display for TerritorySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bundled => f.write_str("the bundled territory data"),
            Self::Folder(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// The names of the files the import reads, relative to the folder.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::territory::files;

    #[test]
    fn the_bundled_files_are_found_by_their_names_and_nothing_else() {
        let communes = TerritorySource::Bundled.text(files::COMMUNES).unwrap();
        assert!(communes.contains("\"commune-actuelle\""));
        let basin = TerritorySource::Bundled.text(files::BASIN).unwrap();
        assert!(basin.contains("FeatureCollection"));
        let unknown = TerritorySource::Bundled.text("README.md").unwrap_err();
        assert!(
            matches!(&unknown, IngestError::Data { file, .. } if file == "README.md"),
            "{unknown}"
        );
    }

    #[test]
    fn a_folder_is_read_at_run_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(files::EPCIS), "{}").unwrap();
        let source = TerritorySource::Folder(dir.path());
        assert_eq!(source.text(files::EPCIS).unwrap(), "{}");
        assert!(matches!(
            source.text(files::COMMUNES),
            Err(IngestError::Io { .. })
        ));
        assert_eq!(source.to_string(), dir.path().display().to_string());
    }
}
