//! Who may write what. Administrators write everything; readers nothing; editors and
//! contributors write the records their organisation owns (see [`Entity::OWNERS`]), and only
//! editors archive or restore them. What belongs to an operation (facets, milestones, financing
//! lines, links to actions) is owned by the operation's owner only: naming oneself landlord or
//! funder in such a record gives no right to it, but a funder may update the lines where it is
//! the funder, where they are (see [`Entity::NAMED_PARTY`]).

use renouveau_domain::{Actor, Role};

use crate::db::{ColumnKind, SqlValue, Tx};
use crate::entity::{Entity, OwnerPath};
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteAction {
    Create,
    Update,
    Archive,
    Restore,
}

impl WriteAction {
    fn verb(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Archive => "archive",
            Self::Restore => "restore",
        }
    }
}

/// Checks that `actor` may create, archive or restore a record of `E` whose column values are
/// `values` (in [`Entity::COLUMNS`] order): it must own it. Updates are checked by
/// [`authorize_update`].
pub async fn authorize<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    action: WriteAction,
    values: &[SqlValue],
) -> Result<()> {
    authorize_role::<E>(actor, action)?;
    if actor.is_admin() {
        return Ok(());
    }
    let organisation = acting_organisation::<E>(actor, action)?;
    if owners::<E>(tx, values).await?.contains(&organisation) {
        Ok(())
    } else {
        Err(forbidden::<E>(actor, action))
    }
}

/// Checks that `actor` may change a record of `E` from `before` to `after`: it owns the
/// record both as it is and as it would become (moving a record needs rights on both places),
/// or it is the record's named party, named in `before`, and the update keeps the record
/// where it is.
pub async fn authorize_update<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    before: &[SqlValue],
    after: &[SqlValue],
) -> Result<()> {
    let action = WriteAction::Update;
    authorize_role::<E>(actor, action)?;
    if actor.is_admin() {
        return Ok(());
    }
    let organisation = acting_organisation::<E>(actor, action)?;
    if owners::<E>(tx, before).await?.contains(&organisation)
        && owners::<E>(tx, after).await?.contains(&organisation)
    {
        return Ok(());
    }
    if let Some(party) = E::NAMED_PARTY
        && value_of::<E>(before, party.column).and_then(SqlValue::as_i64) == Some(organisation)
        && party
            .kept
            .iter()
            .all(|column| value_of::<E>(before, column) == value_of::<E>(after, column))
    {
        return Ok(());
    }
    Err(forbidden::<E>(actor, action))
}

/// The part of [`authorize`] and [`authorize_update`] that needs no record: refuses a write
/// that `actor`'s role can never make on `E`, whatever the record (a reader; a contributor
/// archiving or restoring; anyone but an administrator on records only administrators write).
/// Callers may run it before reading anything, the request's body included.
pub fn authorize_role<E: Entity>(actor: &Actor, action: WriteAction) -> Result<()> {
    if actor.is_admin() {
        return Ok(());
    }
    acting_organisation::<E>(actor, action)?;
    if E::OWNERS.is_empty() {
        return Err(forbidden::<E>(actor, action));
    }
    Ok(())
}

/// The organisation `actor` writes for, when its role allows `action` at all.
fn acting_organisation<E: Entity>(actor: &Actor, action: WriteAction) -> Result<i64> {
    let role_allows = match action {
        WriteAction::Create | WriteAction::Update => actor.role.may_write(),
        WriteAction::Archive | WriteAction::Restore => actor.role == Role::Editor,
    };
    actor
        .organisation_id
        .filter(|_| role_allows)
        .ok_or_else(|| forbidden::<E>(actor, action))
}

fn forbidden<E: Entity>(actor: &Actor, action: WriteAction) -> StoreError {
    StoreError::Forbidden {
        actor: actor.label.clone(),
        action: action.verb(),
        table: E::TABLE,
    }
}

/// Checks that `actor` may review declared records: administrators only (see
/// [`crate::Records::review`]).
pub fn authorize_review(actor: &Actor, table: &'static str) -> Result<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(StoreError::Forbidden {
            actor: actor.label.clone(),
            action: "review",
            table,
        })
    }
}

fn value_of<'v, E: Entity>(values: &'v [SqlValue], column: &str) -> Option<&'v SqlValue> {
    E::COLUMNS
        .iter()
        .position(|c| c.name == column)
        .and_then(|i| values.get(i))
}

/// The organisations owning a record, following [`Entity::OWNERS`].
pub async fn owners<E: Entity>(tx: &mut Tx, values: &[SqlValue]) -> Result<Vec<i64>> {
    let id_in = |column: &str| value_of::<E>(values, column).and_then(SqlValue::as_i64);
    let mut found = Vec::new();
    for path in E::OWNERS {
        match *path {
            OwnerPath::Column(column) => found.extend(id_in(column)),
            OwnerPath::Parent {
                column,
                table,
                owner_column,
            } => {
                if let Some(parent) = id_in(column) {
                    let row = tx
                        .fetch_optional(
                            &format!("SELECT {owner_column} FROM {table} WHERE id = $1"),
                            &[parent.into()],
                            &[ColumnKind::Int],
                        )
                        .await?;
                    found.extend(row.and_then(|r| r.first().and_then(SqlValue::as_i64)));
                }
            }
        }
    }
    Ok(found)
}

/// Checks that `actor` is a programme administrator, for writes outside the programme's records
/// (accounts, imports).
pub fn authorize_admin(actor: &Actor, action: WriteAction, table: &'static str) -> Result<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(StoreError::Forbidden {
            actor: actor.label.clone(),
            action: action.verb(),
            table,
        })
    }
}

#[cfg(test)]
mod tests {
    use renouveau_domain::{Operation, Organisation, Programme};

    use super::*;

    fn actor(role: Role) -> Actor {
        Actor::user(1, "personne@exemple.fr", 1, role)
    }

    #[test]
    fn roles_that_never_write_are_refused_without_a_record() {
        use WriteAction::{Archive, Create, Restore, Update};
        let allowed = |role, action| authorize_role::<Operation>(&actor(role), action).is_ok();
        for action in [Create, Update, Archive, Restore] {
            assert!(!allowed(Role::Reader, action), "{action:?}");
            assert!(allowed(Role::Editor, action), "{action:?}");
            assert!(allowed(Role::Admin, action), "{action:?}");
            assert!(authorize_role::<Programme>(&actor(Role::Editor), action).is_err());
            assert!(authorize_role::<Programme>(&actor(Role::Admin), action).is_ok());
        }
        assert!(allowed(Role::Contributor, Create) && allowed(Role::Contributor, Update));
        assert!(!allowed(Role::Contributor, Archive) && !allowed(Role::Contributor, Restore));
        // Organisations are administrators' work alone.
        let editor = actor(Role::Editor);
        assert!(authorize_role::<Organisation>(&editor, Create).is_err());
        assert!(authorize_role::<Organisation>(&editor, Update).is_err());
    }
}
