//! Who may write what. Administrators write everything; readers nothing; editors and
//! contributors write the records their organisation owns (see [`Entity::OWNERS`]), and only
//! editors archive or restore them.

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

/// Checks that `actor` may apply `action` to a record of `E` whose column values are `values`
/// (in [`Entity::COLUMNS`] order) and whose id is `id` (none yet on creation).
pub async fn authorize<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    action: WriteAction,
    id: Option<i64>,
    values: &[SqlValue],
) -> Result<()> {
    authorize_role::<E>(actor, action)?;
    if actor.is_admin() {
        return Ok(());
    }
    for owner in owners::<E>(tx, id, values).await? {
        if Some(owner) == actor.organisation_id {
            return Ok(());
        }
    }
    Err(forbidden::<E>(actor, action))
}

/// The part of [`authorize`] that needs no record: refuses a write that `actor`'s role can
/// never make on `E`, whatever the record (a reader; a contributor archiving or restoring;
/// anyone but an administrator on records only administrators write or create). Callers may run it before
/// reading anything, the request's body included; [`authorize`] runs it again.
pub fn authorize_role<E: Entity>(actor: &Actor, action: WriteAction) -> Result<()> {
    if actor.is_admin() {
        return Ok(());
    }
    let role_allows = match action {
        WriteAction::Create | WriteAction::Update => actor.role.may_write(),
        WriteAction::Archive | WriteAction::Restore => actor.role == Role::Editor,
    };
    // A record that owns itself (an organisation) has no owner before it exists.
    let may_be_owned = E::OWNERS
        .iter()
        .any(|path| action != WriteAction::Create || !matches!(path, OwnerPath::SelfId));
    if role_allows && actor.organisation_id.is_some() && may_be_owned {
        Ok(())
    } else {
        Err(forbidden::<E>(actor, action))
    }
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

/// The organisations owning a record, following [`Entity::OWNERS`].
pub async fn owners<E: Entity>(
    tx: &mut Tx,
    id: Option<i64>,
    values: &[SqlValue],
) -> Result<Vec<i64>> {
    let value_of = |column: &str| {
        E::COLUMNS
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| values.get(i))
            .and_then(SqlValue::as_i64)
    };
    let mut found = Vec::new();
    for path in E::OWNERS {
        match *path {
            OwnerPath::SelfId => found.extend(id),
            OwnerPath::Column(column) => found.extend(value_of(column)),
            OwnerPath::Parent {
                column,
                table,
                owner_column,
            } => {
                if let Some(parent) = value_of(column) {
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
        let editor = actor(Role::Editor);
        assert!(authorize_role::<Organisation>(&editor, Create).is_err());
        assert!(authorize_role::<Organisation>(&editor, Update).is_ok());
    }
}
