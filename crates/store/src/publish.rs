//! The published copy of a reviewed record (`operation_published`, …): its last validated
//! version, what visitors and the validated figures read. Kept in step by [`publish_in`], which
//! every write of a reviewed record calls in its own transaction.

use renouveau_domain::ValidationStatus;

use crate::db::{SqlValue, Tx};
use crate::entity::Entity;
use crate::error::Result;
use crate::row::{Record, folded_columns, select_list};

/// After a write of `record`: a validated record replaces its published copy; any other state
/// leaves the copy as the last validated version, only carrying over whether the record is
/// archived (an archived record is not shown, whatever version of it was validated).
pub(crate) async fn publish_in<E: Entity>(tx: &mut Tx, record: &Record<E>) -> Result<()> {
    let (Some(published), Some(reviewed)) = (E::PUBLISHED_TABLE, record.data.reviewed()) else {
        return Ok(());
    };
    if reviewed.validation() == ValidationStatus::Validated {
        let columns = std::iter::once(select_list::<E>())
            .chain(folded_columns::<E>())
            .collect::<Vec<_>>()
            .join(", ");
        tx.execute(
            &format!("DELETE FROM {published} WHERE id = $1"),
            &[record.id.into()],
        )
        .await?;
        tx.execute(
            &format!(
                "INSERT INTO {published} ({columns}) SELECT {columns} FROM {} WHERE id = $1",
                E::TABLE
            ),
            &[record.id.into()],
        )
        .await?;
    } else {
        let archived_at = record.archived_at.map_or(
            SqlValue::Null(crate::db::ColumnKind::Timestamp),
            SqlValue::Timestamp,
        );
        tx.execute(
            &format!("UPDATE {published} SET archived_at = $1 WHERE id = $2"),
            &[archived_at, record.id.into()],
        )
        .await?;
    }
    Ok(())
}
