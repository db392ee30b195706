//! Documents: conventions, deliberations, reports, whose text figures point into.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Checked, FieldError, FieldErrorKind, require_text};
use crate::invariants::{Invariants, TITLE_MAX};
use crate::vocabulary;

vocabulary! {
    DocumentKind {
        Convention => "convention", "Convention";
        Deliberation => "deliberation", "Délibération";
        Report => "report", "Rapport ou bilan";
        Minutes => "minutes", "Compte rendu";
        Other => "other", "Autre";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub title: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub media_type: String,
    /// SHA-256 of the file's bytes, lowercase hexadecimal.
    pub sha256: String,
    pub size_bytes: i64,
    pub published_on: Option<NaiveDate>,
    /// The document's text, which provenance offsets (in characters) point into.
    pub text: Option<String>,
}

impl Invariants for Document {
    fn check(&self) -> Checked {
        require_text("title", &self.title, TITLE_MAX)?;
        require_text("file_name", &self.file_name, TITLE_MAX)?;
        require_text("media_type", &self.media_type, 100)?;
        let hex = self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(FieldError::new(
                "sha256",
                FieldErrorKind::InvalidCode {
                    expected: "64 caractères hexadécimaux",
                },
            ));
        }
        crate::error::require_non_negative("size_bytes", self.size_bytes)
    }
}
