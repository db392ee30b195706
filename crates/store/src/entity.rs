//! How a domain record maps to a table: its columns, references, unique keys, searchable text
//! and who owns it. Rows and records meet through serde: a record serialises to a JSON object
//! whose fields are the columns.

use renouveau_domain::{Invariants, Reviewed};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::ColumnKind;

/// A column of an entity's table (besides the common ones: id, version, timestamps).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
}

/// How to find the organisations that own a record, who may change it.
#[derive(Debug, Clone, Copy)]
pub enum OwnerPath {
    /// A column of the record holds the owning organisation.
    Column(&'static str),
    /// A column of the record points to a parent row whose column holds the owner.
    Parent {
        column: &'static str,
        table: &'static str,
        owner_column: &'static str,
    },
}

/// An organisation a record names, which may update the record without owning it, as long as
/// the update leaves the record where it is: the values of `kept` (among them `column`, the
/// one naming it) stay as they were. It may neither create nor archive such a record. A
/// financing line's funder follows the line its operation's owner recorded with it.
#[derive(Debug, Clone, Copy)]
pub struct NamedParty {
    pub column: &'static str,
    pub kept: &'static [&'static str],
}

/// A domain record stored in a table of its own.
pub trait Entity:
    Serialize + DeserializeOwned + Invariants + Clone + Send + Sync + std::fmt::Debug + 'static
{
    const TABLE: &'static str;
    const COLUMNS: &'static [Column];
    /// Columns pointing to other tables' ids: checked before writing, to name the field at fault.
    const REFERENCES: &'static [(&'static str, &'static str)];
    /// Sets of columns unique among records that are not archived.
    const UNIQUE: &'static [&'static [&'static str]];
    /// Name columns whose value must not look like the value of another live record in the
    /// same column (see `renouveau_domain::names::look_alike`); checked over the whole table,
    /// for small tables only.
    const LOOK_ALIKE: &'static [&'static str] = &[];
    /// Text columns searched by free-text queries.
    const SEARCH: &'static [&'static str];
    /// Owners who may write the record besides the programme administrators; empty when only
    /// administrators may. Each path names an owner; any owner may write the record.
    const OWNERS: &'static [OwnerPath];
    /// Who may also update the record, on conditions (see [`NamedParty`]).
    const NAMED_PARTY: Option<NamedParty> = None;
    /// Text columns holding a code of a closed vocabulary, with the codes allowed.
    const CODES: &'static [(&'static str, &'static [&'static str])] = &[];
    /// Integer columns holding money (`Amount`): integer cents of euro, never negative.
    const MONEY: &'static [&'static str] = &[];
    /// For records partners declare and the programme team reviews, the table holding each
    /// one's last validated version (see `publish`).
    const PUBLISHED_TABLE: Option<&'static str> = None;

    /// The column holding the review state of records partners declare and the programme team
    /// reviews (`validation`, or an observation's `status`).
    const REVIEW_STATUS: Option<&'static str> = None;

    /// The validation state of records partners declare and the programme team reviews.
    fn reviewed(&self) -> Option<&dyn Reviewed> {
        None
    }
    fn reviewed_mut(&mut self) -> Option<&mut dyn Reviewed> {
        None
    }

    fn column(name: &str) -> Option<&'static Column> {
        Self::COLUMNS.iter().find(|c| c.name == name)
    }

    fn is_money(column: &str) -> bool {
        Self::MONEY.contains(&column)
    }

    /// The codes a column may hold, when it holds a code of a closed vocabulary.
    fn codes(column: &str) -> Option<&'static [&'static str]> {
        Self::CODES
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, codes)| *codes)
    }
}
