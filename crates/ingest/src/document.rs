//! `renouveau document add FILE`: registers a document, or attaches the text of one already
//! known by its SHA-256 (the bundled programme registers its source document without its text).

use std::path::Path;

use renouveau_domain::{Actor, Document, DocumentKind};
use renouveau_store::{ListQuery, Records, Store};
use sha2::{Digest, Sha256};

use crate::error::{IngestError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Created,
    TextAttached,
    AlreadyThere,
}

#[derive(Debug, Clone)]
pub struct AddedDocument {
    pub id: i64,
    pub title: String,
    pub added: Added,
}

pub async fn add_document(store: &Store, path: &Path, actor: &Actor) -> Result<AddedDocument> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let media_type = mime_guess::from_path(path).first_or_octet_stream();
    let is_text = media_type.type_() == mime_guess::mime::TEXT;
    let text = if is_text {
        Some(String::from_utf8(bytes.clone()).map_err(|_| {
            IngestError::data(&path.display().to_string(), 0, "text file is not UTF-8")
        })?)
    } else {
        None
    };
    let documents = Records::<Document>::new(store.db());
    let known = documents
        .list(&ListQuery::default().eq("sha256", &sha256))
        .await?;
    if let Some(existing) = known.items.into_iter().next() {
        if existing.data.text.is_some() || text.is_none() {
            return Ok(AddedDocument {
                id: existing.id,
                title: existing.data.title,
                added: Added::AlreadyThere,
            });
        }
        let mut data = existing.data.clone();
        data.text = text;
        let updated = documents
            .update(actor, existing.id, existing.version, data)
            .await?;
        return Ok(AddedDocument {
            id: updated.id,
            title: updated.data.title,
            added: Added::TextAttached,
        });
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    let media_type = if is_text {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_string()
    };
    let document = Document {
        title: file_name.clone(),
        kind: DocumentKind::Other,
        file_name,
        media_type,
        sha256,
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        published_on: None,
        text,
    };
    let created = documents.create(actor, document).await?;
    Ok(AddedDocument {
        id: created.id,
        title: created.data.title,
        added: Added::Created,
    })
}
