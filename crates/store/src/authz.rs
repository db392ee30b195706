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
    if actor.is_admin() {
        return Ok(());
    }
    let forbidden = || StoreError::Forbidden {
        actor: actor.label.clone(),
        action: action.verb(),
        table: E::TABLE,
    };
    let role_allows = match action {
        WriteAction::Create | WriteAction::Update => actor.role.may_write(),
        WriteAction::Archive | WriteAction::Restore => actor.role == Role::Editor,
    };
    let Some(organisation) = actor.organisation_id.filter(|_| role_allows) else {
        return Err(forbidden());
    };
    for owner in owners::<E>(tx, id, values).await? {
        if owner == organisation {
            return Ok(());
        }
    }
    Err(forbidden())
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
