//! Rules a record must keep on its own (cross-field checks) and across a change (lifecycles).

use crate::error::Checked;

/// Longest title or name accepted.
pub const TITLE_MAX: usize = 300;
/// Longest free text accepted (descriptions, comments).
pub const TEXT_MAX: usize = 20_000;

pub trait Invariants {
    /// Puts the record's text in the one form it is stored in (organisation names: see
    /// [`crate::names::normalise`]). The store calls it before [`Invariants::check`] on every
    /// write.
    fn normalise(&mut self) {}

    /// Checks the rules that involve several fields of the same record.
    fn check(&self) -> Checked {
        Ok(())
    }

    /// Checks that moving from `before` to `self` is allowed (status lifecycles).
    fn check_change(&self, _before: &Self) -> Checked {
        Ok(())
    }
}
