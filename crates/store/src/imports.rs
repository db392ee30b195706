//! What imports write besides records: the natural key each imported record came from, so that
//! re-running an import finds its records again instead of duplicating them; where in a document
//! a figure is stated; and territory outlines for maps.

use renouveau_domain::Actor;
use serde::Serialize;

use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx, now};
use crate::entity::Entity;
use crate::error::Result;
use crate::records::{ReviewState, create_in, get_in, update_in};
use crate::row::entity_values;

/// What to do when an imported record already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Leave it as it is: users may have changed it since (bundled programme data).
    Keep,
    /// Replace its values with the imported ones when they differ (reference data).
    Update,
}

/// What an import did with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Serialises imports: two processes initialising the same PostgreSQL database at once must not
/// both create the bundled records. SQLite write transactions are already exclusive.
pub async fn lock_imports(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        tx.fetch_all(
            "SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_xact_lock(7265766) AS l) AS locked",
            &[],
            &[ColumnKind::Int],
        )
        .await?;
    }
    Ok(())
}

pub async fn find_key(tx: &mut Tx, source: &str, entity: &str, key: &str) -> Result<Option<i64>> {
    let row = tx
        .fetch_optional(
            "SELECT record_id FROM import_key WHERE source = $1 AND entity = $2 AND natural_key = $3",
            &[source.into(), entity.into(), key.into()],
            &[ColumnKind::Int],
        )
        .await?;
    Ok(row.and_then(|r| r.first().and_then(SqlValue::as_i64)))
}

/// Creates the record imported under `key`, or finds it again and applies `on_existing`.
pub async fn upsert_in<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    source: &str,
    key: &str,
    mut data: E,
    on_existing: OnExisting,
) -> Result<(i64, Outcome)> {
    // Compared as it would be stored.
    data.normalise();
    if let Some(id) = find_key(tx, source, E::TABLE, key).await? {
        let existing = get_in::<E>(tx, id).await?;
        if on_existing == OnExisting::Keep || same_values(&existing.data, &data)? {
            return Ok((id, Outcome::Unchanged));
        }
        // An import states what it means, review state included.
        update_in(tx, actor, id, existing.version, data, ReviewState::Written).await?;
        return Ok((id, Outcome::Updated));
    }
    let id = create_in(tx, actor, data).await?.id;
    tx.execute(
        "INSERT INTO import_key (source, entity, natural_key, record_id) VALUES ($1, $2, $3, $4)",
        &[source.into(), E::TABLE.into(), key.into(), id.into()],
    )
    .await?;
    Ok((id, Outcome::Created))
}

fn same_values<E: Entity>(a: &E, b: &E) -> Result<bool> {
    Ok(entity_values(a)? == entity_values(b)?)
}

/// Where a figure of a record is stated: characters `start..end` (Unicode code points) of a
/// document's text. `field` is the record's column holding the figure, or `None` when the passage
/// supports the record as a whole (a share, a date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureSource {
    pub entity: String,
    pub record_id: i64,
    pub field: Option<String>,
    pub document_id: i64,
    pub start: i64,
    pub end: i64,
}

/// Makes `source` the only passage stating its field.
pub async fn set_figure_source(tx: &mut Tx, source: &FigureSource) -> Result<()> {
    let field_kind = SqlValue::Null(ColumnKind::Text);
    let field: SqlValue = source.field.clone().map_or(field_kind, SqlValue::Text);
    tx.execute(
        "DELETE FROM figure_source WHERE entity = $1 AND record_id = $2 AND \
         (field = $3 OR (field IS NULL AND $3 IS NULL))",
        &[
            source.entity.as_str().into(),
            source.record_id.into(),
            field.clone(),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO figure_source (entity, record_id, field, document_id, source_start, source_end) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            source.entity.as_str().into(),
            source.record_id.into(),
            field,
            source.document_id.into(),
            source.start.into(),
            source.end.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Adds a passage stating the field, beside those already recorded (the same figure quoted in
/// two places of a document); adding the same passage again changes nothing.
pub async fn add_figure_source(tx: &mut Tx, source: &FigureSource) -> Result<()> {
    let field_kind = SqlValue::Null(ColumnKind::Text);
    let field: SqlValue = source.field.clone().map_or(field_kind, SqlValue::Text);
    let params = [
        source.entity.as_str().into(),
        source.record_id.into(),
        field,
        source.document_id.into(),
        source.start.into(),
        source.end.into(),
    ];
    let already = tx
        .fetch_optional(
            "SELECT id FROM figure_source WHERE entity = $1 AND record_id = $2 AND \
             (field = $3 OR (field IS NULL AND $3 IS NULL)) AND document_id = $4 AND \
             source_start = $5 AND source_end = $6",
            &params,
            &[ColumnKind::Int],
        )
        .await?;
    if already.is_none() {
        tx.execute(
            "INSERT INTO figure_source \
             (entity, record_id, field, document_id, source_start, source_end) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &params,
        )
        .await?;
    }
    Ok(())
}

/// Every figure source, or those of one record when `record` is given.
pub async fn figure_sources(db: &Db, record: Option<(&str, i64)>) -> Result<Vec<FigureSource>> {
    let mut tx = db.read().await?;
    let mut sql = String::from(
        "SELECT entity, record_id, field, document_id, source_start, source_end FROM figure_source",
    );
    let mut params = Vec::new();
    if let Some((entity, id)) = record {
        sql.push_str(" WHERE entity = $1 AND record_id = $2");
        params = vec![entity.into(), id.into()];
    }
    sql.push_str(" ORDER BY entity, record_id, field, source_start");
    let kinds = [
        ColumnKind::Text,
        ColumnKind::Int,
        ColumnKind::Text,
        ColumnKind::Int,
        ColumnKind::Int,
        ColumnKind::Int,
    ];
    let rows = tx.fetch_all(&sql, &params, &kinds).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
            let text = |i: usize| r.get(i).and_then(SqlValue::as_str).map(str::to_string);
            FigureSource {
                entity: text(0).unwrap_or_default(),
                record_id: int(1),
                field: text(2),
                document_id: int(3),
                start: int(4),
                end: int(5),
            }
        })
        .collect())
}

/// A territory's outline as GeoJSON geometry (WGS84) with its bounding box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shape {
    pub territory_id: i64,
    pub geometry: String,
    pub bbox: [f64; 4],
}

pub async fn put_shape(tx: &mut Tx, shape: &Shape, source: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM territory_shape WHERE territory_id = $1",
        &[shape.territory_id.into()],
    )
    .await?;
    let [min_lon, min_lat, max_lon, max_lat] = shape.bbox;
    tx.execute(
        "INSERT INTO territory_shape \
         (territory_id, geometry, min_lon, min_lat, max_lon, max_lat, source, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            shape.territory_id.into(),
            shape.geometry.as_str().into(),
            SqlValue::Float(min_lon),
            SqlValue::Float(min_lat),
            SqlValue::Float(max_lon),
            SqlValue::Float(max_lat),
            source.into(),
            now().into(),
        ],
    )
    .await?;
    Ok(())
}

/// The outlines of live territories of one level (`commune`, `epci`, `cite`, `zone`...).
pub async fn shapes_of_level(db: &Db, level: &str) -> Result<Vec<Shape>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            "SELECT s.territory_id, s.geometry, s.min_lon, s.min_lat, s.max_lon, s.max_lat \
             FROM territory_shape s JOIN territory t ON t.id = s.territory_id \
             WHERE t.level = $1 AND t.archived_at IS NULL ORDER BY t.code",
            &[level.into()],
            &[
                ColumnKind::Int,
                ColumnKind::Text,
                ColumnKind::Float,
                ColumnKind::Float,
                ColumnKind::Float,
                ColumnKind::Float,
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let float = |i: usize| match r.get(i) {
                Some(SqlValue::Float(v)) => *v,
                _ => 0.0,
            };
            Shape {
                territory_id: r.first().and_then(SqlValue::as_i64).unwrap_or_default(),
                geometry: r
                    .get(1)
                    .and_then(SqlValue::as_str)
                    .unwrap_or_default()
                    .to_string(),
                bbox: [float(2), float(3), float(4), float(5)],
            }
        })
        .collect())
}

pub async fn count_shapes(db: &Db) -> Result<i64> {
    let mut tx = db.read().await?;
    tx.fetch_count("SELECT COUNT(*) FROM territory_shape", &[])
        .await
}
