//! Figures made of many records, for dashboards and reports: money by funder and state,
//! operations by status and by axis. Computed by the database on live (not archived) records;
//! each row keeps the ids a page needs to link a figure to what it is made of.

use serde::Serialize;

use crate::db::{ColumnKind, Db, SqlValue};
use crate::error::Result;

/// The money one funder has on the programme's operations, in cents, by state of the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunderMoney {
    pub funder_id: i64,
    pub funder: String,
    pub lines: i64,
    pub requested: i64,
    pub granted: i64,
    pub committed: i64,
    pub paid: i64,
}

/// Which figures a summary counts: all of them, partners' declarations included, or only those
/// the programme team has validated (see `renouveau_domain::review`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Figures {
    #[default]
    All,
    Validated,
}

impl Figures {
    /// An SQL condition on the `validation` column of the table aliased `alias`.
    fn condition(self, alias: &str) -> String {
        match self {
            Self::All => "1 = 1".into(),
            Self::Validated => format!("{alias}.validation = 'validated'"),
        }
    }
}

pub async fn money_by_funder(db: &Db, figures: Figures) -> Result<Vec<FunderMoney>> {
    let mut tx = db.read().await?;
    let (line, operation) = (figures.condition("f"), figures.condition("op"));
    let rows = tx
        .fetch_all(
            &format!("SELECT f.funder_id, o.name, COUNT(*), \
               CAST(COALESCE(SUM(f.requested), 0) AS BIGINT), CAST(COALESCE(SUM(f.granted), 0) AS BIGINT), \
               CAST(COALESCE(SUM(f.committed), 0) AS BIGINT), CAST(COALESCE(SUM(f.paid), 0) AS BIGINT) \
             FROM financing_line f \
             JOIN organisation o ON o.id = f.funder_id \
             JOIN operation op ON op.id = f.operation_id AND op.archived_at IS NULL AND {operation} \
             WHERE f.archived_at IS NULL AND {line} \
             GROUP BY f.funder_id, o.name \
             ORDER BY 5 DESC, 2"),
            &[],
            &[
                ColumnKind::Int,
                ColumnKind::Text,
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Int,
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
            FunderMoney {
                funder_id: int(0),
                funder: r
                    .get(1)
                    .and_then(SqlValue::as_str)
                    .unwrap_or_default()
                    .to_string(),
                lines: int(2),
                requested: int(3),
                granted: int(4),
                committed: int(5),
                paid: int(6),
            }
        })
        .collect())
}

/// How many live operations have each status code.
pub async fn operations_by_status(db: &Db, figures: Figures) -> Result<Vec<(String, i64)>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT status, COUNT(*) FROM operation op WHERE archived_at IS NULL AND {} \
                 GROUP BY status ORDER BY status",
                figures.condition("op")
            ),
            &[],
            &[ColumnKind::Text, ColumnKind::Int],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.first()
                    .and_then(SqlValue::as_str)
                    .unwrap_or_default()
                    .to_string(),
                r.get(1).and_then(SqlValue::as_i64).unwrap_or_default(),
            )
        })
        .collect())
}

/// The operations linked to each node of a convention's tree, counting an operation once per
/// node even when it is linked to several of the node's descendants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeOperations {
    pub node_id: i64,
    pub operations: i64,
    /// Sum of the operations' costs excluding VAT, where given, in cents.
    pub cost_ht: i64,
    /// Sum of granted amounts on the operations' financing lines, in cents.
    pub granted: i64,
}

/// For every node of `convention_id` that has operations under it.
pub async fn operations_by_node(
    db: &Db,
    convention_id: i64,
    figures: Figures,
) -> Result<Vec<NodeOperations>> {
    let mut tx = db.read().await?;
    let (line, operation) = (figures.condition("f"), figures.condition("op"));
    let rows = tx
        .fetch_all(
            &format!("WITH RECURSIVE under (ancestor_id, node_id) AS ( \
               SELECT id, id FROM convention_node WHERE convention_id = $1 AND archived_at IS NULL \
               UNION ALL \
               SELECT under.ancestor_id, child.id FROM convention_node child \
               JOIN under ON child.parent_id = under.node_id WHERE child.archived_at IS NULL \
             ), linked AS ( \
               SELECT DISTINCT under.ancestor_id, oa.operation_id FROM under \
               JOIN operation_action oa ON oa.node_id = under.node_id AND oa.archived_at IS NULL \
               JOIN operation op ON op.id = oa.operation_id AND op.archived_at IS NULL AND {operation} \
             ) \
             SELECT linked.ancestor_id, COUNT(*), \
               CAST(COALESCE(SUM(op.cost_ht), 0) AS BIGINT), \
               CAST(COALESCE(SUM((SELECT SUM(f.granted) FROM financing_line f \
                   WHERE f.operation_id = op.id AND f.archived_at IS NULL AND {line})), 0) AS BIGINT) \
             FROM linked JOIN operation op ON op.id = linked.operation_id \
             GROUP BY linked.ancestor_id"),
            &[convention_id.into()],
            &[
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Int,
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
            NodeOperations {
                node_id: int(0),
                operations: int(1),
                cost_ht: int(2),
                granted: int(3),
            }
        })
        .collect())
}

/// The ids of a territory and of every territory under it (an EPCI, its communes and cités).
pub async fn territory_and_descendants(db: &Db, territory_id: i64) -> Result<Vec<i64>> {
    ids(
        db,
        "WITH RECURSIVE tree (id) AS ( \
           SELECT id FROM territory WHERE id = $1 \
           UNION ALL SELECT t.id FROM territory t JOIN tree ON t.parent_id = tree.id \
         ) SELECT id FROM tree",
        territory_id,
    )
    .await
}

/// The ids of the operations linked to a convention node or to any node under it.
pub async fn operations_under_node(db: &Db, node_id: i64) -> Result<Vec<i64>> {
    ids(
        db,
        "WITH RECURSIVE tree (id) AS ( \
           SELECT id FROM convention_node WHERE id = $1 \
           UNION ALL SELECT n.id FROM convention_node n JOIN tree ON n.parent_id = tree.id \
         ) SELECT DISTINCT oa.operation_id FROM operation_action oa JOIN tree ON tree.id = oa.node_id \
           WHERE oa.archived_at IS NULL",
        node_id,
    )
    .await
}

/// The ids of the operations an organisation funds through a live financing line.
pub async fn operations_funded_by(db: &Db, organisation_id: i64) -> Result<Vec<i64>> {
    ids(
        db,
        "SELECT DISTINCT operation_id FROM financing_line WHERE funder_id = $1 AND archived_at IS NULL",
        organisation_id,
    )
    .await
}

async fn ids(db: &Db, sql: &str, param: i64) -> Result<Vec<i64>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(sql, &[param.into()], &[ColumnKind::Int])
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.first().and_then(SqlValue::as_i64))
        .collect())
}

/// The money of the financing lines drawn on each fund, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundMoney {
    pub fund_id: i64,
    pub lines: i64,
    pub granted: i64,
    pub committed: i64,
    pub paid: i64,
}

pub async fn money_by_fund(db: &Db) -> Result<Vec<FundMoney>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            "SELECT f.fund_id, COUNT(*), CAST(COALESCE(SUM(f.granted), 0) AS BIGINT), \
               CAST(COALESCE(SUM(f.committed), 0) AS BIGINT), CAST(COALESCE(SUM(f.paid), 0) AS BIGINT) \
             FROM financing_line f \
             JOIN operation op ON op.id = f.operation_id AND op.archived_at IS NULL \
             WHERE f.archived_at IS NULL AND f.fund_id IS NOT NULL \
             GROUP BY f.fund_id",
            &[],
            &[ColumnKind::Int; 5],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
            FundMoney {
                fund_id: int(0),
                lines: int(1),
                granted: int(2),
                committed: int(3),
                paid: int(4),
            }
        })
        .collect())
}

/// The operations located in each territory of a level (in it or in any territory under it)
/// and the money granted to them, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryMoney {
    pub territory_id: i64,
    pub operations: i64,
    pub granted: i64,
}

pub async fn money_by_territory(db: &Db, level: &str) -> Result<Vec<TerritoryMoney>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            "WITH RECURSIVE up (territory_id, ancestor_id) AS ( \
               SELECT id, id FROM territory WHERE archived_at IS NULL \
               UNION ALL \
               SELECT up.territory_id, t.parent_id FROM up \
               JOIN territory t ON t.id = up.ancestor_id WHERE t.parent_id IS NOT NULL \
             ), located AS ( \
               SELECT DISTINCT a.id AS area_id, op.id AS operation_id FROM up \
               JOIN territory a ON a.id = up.ancestor_id AND a.level = $1 \
               JOIN operation op ON op.territory_id = up.territory_id AND op.archived_at IS NULL \
             ) \
             SELECT located.area_id, COUNT(*), \
               CAST(COALESCE(SUM((SELECT SUM(f.granted) FROM financing_line f \
                   WHERE f.operation_id = located.operation_id AND f.archived_at IS NULL)), 0) AS BIGINT) \
             FROM located GROUP BY located.area_id",
            &[level.into()],
            &[ColumnKind::Int; 3],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64).unwrap_or_default();
            TerritoryMoney {
                territory_id: int(0),
                operations: int(1),
                granted: int(2),
            }
        })
        .collect())
}

/// A record's id and name, for the options of a filter or a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRecord {
    pub id: i64,
    pub name: String,
    /// The territory level, organisation kind or convention code, depending on the list.
    pub group: String,
    pub parent_id: Option<i64>,
}

/// Live territories of the programme's filters, by name: EPCIs, the communes of those EPCIs and
/// the cités (communes outside the programme's EPCIs are left out of the lists).
pub async fn territory_names(db: &Db) -> Result<Vec<NamedRecord>> {
    named(
        db,
        "SELECT t.id, t.name, t.level, t.parent_id FROM territory t \
         LEFT JOIN territory p ON p.id = t.parent_id \
         WHERE t.archived_at IS NULL AND (t.level IN ('epci', 'cite') \
           OR (t.level = 'commune' AND p.level = 'epci')) \
         ORDER BY t.name_folded NULLS LAST, t.id",
    )
    .await
}

pub async fn organisation_names(db: &Db) -> Result<Vec<NamedRecord>> {
    named(
        db,
        "SELECT id, name, kind, CAST(NULL AS BIGINT) FROM organisation \
         WHERE archived_at IS NULL ORDER BY name_folded NULLS LAST, id",
    )
    .await
}

/// Convention nodes in tree order within each convention, named `code title`.
pub async fn node_names(db: &Db) -> Result<Vec<NamedRecord>> {
    named(
        db,
        "SELECT n.id, n.code || ' ' || n.title, c.code, n.parent_id FROM convention_node n \
         JOIN convention c ON c.id = n.convention_id \
         WHERE n.archived_at IS NULL AND c.archived_at IS NULL ORDER BY c.code_folded, n.code_folded, n.id",
    )
    .await
}

async fn named(db: &Db, sql: &str) -> Result<Vec<NamedRecord>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            sql,
            &[],
            &[
                ColumnKind::Int,
                ColumnKind::Text,
                ColumnKind::Text,
                ColumnKind::Int,
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| NamedRecord {
            id: r.first().and_then(SqlValue::as_i64).unwrap_or_default(),
            name: r
                .get(1)
                .and_then(SqlValue::as_str)
                .unwrap_or_default()
                .to_string(),
            group: r
                .get(2)
                .and_then(SqlValue::as_str)
                .unwrap_or_default()
                .to_string(),
            parent_id: r.get(3).and_then(SqlValue::as_i64),
        })
        .collect())
}

/// A number that grows with every committed change: the id of the last audit row. Audit writers
/// are serialised (see `audit`), so ids become visible in order, and figures computed after
/// reading version `v` include every change up to `v`.
pub async fn data_version(db: &Db) -> Result<i64> {
    db.fetch_count("SELECT MAX(id) FROM audit_log", &[]).await
}

/// How many live records partners declared that the programme team has not validated yet
/// (declared, or returned and not corrected).
pub async fn awaiting_review(db: &Db) -> Result<i64> {
    let count = |table: &str, column: &str| {
        format!(
            "(SELECT COUNT(*) FROM {table} WHERE {column} <> 'validated' AND archived_at IS NULL)"
        )
    };
    let sql = format!(
        "SELECT {} + {} + {} + {} + {}",
        count("operation", "validation"),
        count("financing_line", "validation"),
        count("housing_facet", "validation"),
        count("insertion_facet", "validation"),
        count("observation", "status"),
    );
    db.fetch_count(&sql, &[]).await
}
