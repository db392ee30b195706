//! The imports on a fresh database, on the backend the test run asks for.
#![allow(clippy::unwrap_used)]

mod bundle;
mod source_document;
mod territory;
