//! Loading data into renouveau: the bundled ERBM programme (`data/erbm`), the territory open
//! data, documents, and the provenance of each bundled figure in its source document.

pub mod bundle;
pub mod document;
pub mod error;
pub mod figures;
pub mod keys;
pub mod territory;

pub use error::{IngestError, Result};
