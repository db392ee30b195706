//! Errors of imports: the file and line at fault, French for users, English in logs.

use std::path::PathBuf;

use renouveau_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}, line {line}: {reason}")]
    Data {
        file: String,
        line: usize,
        reason: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IngestError {
    pub fn data(file: &str, line: usize, reason: impl Into<String>) -> Self {
        Self::Data {
            file: file.to_string(),
            line,
            reason: reason.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// The message shown to a French-speaking user.
    pub fn message_fr(&self) -> String {
        match self {
            Self::Io { path, source } => {
                format!("Impossible de lire {} : {source}.", path.display())
            }
            Self::Data { file, line, reason } => {
                format!("{file}, ligne {line} : {reason}. Rien n'a été enregistré.")
            }
            Self::Store(e) => format!("{} Rien n'a été enregistré.", e.message_fr()),
        }
    }
}

pub type Result<T, E = IngestError> = std::result::Result<T, E>;
