//! Figures made of many records, for dashboards and reports: money by funder and state,
//! operations by status and by axis. Computed by the database on live (not archived) records;
//! each row keeps the ids a page needs to link a figure to what it is made of.

use serde::Serialize;

use renouveau_domain::{FinancingState, Total};

use crate::db::{ColumnKind, Db, SqlValue};
use crate::error::Result;
use crate::records::Edition;

/// The money one funder has on the programme's operations, by state of the lines. Only lines
/// in a granted state (granted, committed, paid) count as granted, committed or paid; every
/// line counts for what was requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunderMoney {
    pub funder_id: i64,
    pub funder: String,
    pub lines: i64,
    pub requested: Total,
    pub granted: Total,
    /// Lines granted without a stated amount (see `FinancingLine::granted_unstated`).
    pub granted_unstated: i64,
    pub committed: Total,
    pub paid: Total,
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
    /// The edition of the records these figures are made of.
    pub fn edition(self) -> Edition {
        match self {
            Self::All => Edition::Working,
            Self::Validated => Edition::Published,
        }
    }

    /// The table operations are read from: the records themselves, or their published copies
    /// (their last validated version, see `publish`).
    fn operations(self) -> &'static str {
        match self {
            Self::All => "operation",
            Self::Validated => "operation_published",
        }
    }

    /// The table financing lines are read from, as for [`Self::operations`].
    fn lines(self) -> &'static str {
        match self {
            Self::All => "financing_line",
            Self::Validated => "financing_line_published",
        }
    }

    /// An SQL condition on the `validation` column of the table aliased `alias`.
    fn condition(self, alias: &str) -> String {
        match self {
            Self::All => "1 = 1".into(),
            Self::Validated => format!("{alias}.validation = 'validated'"),
        }
    }
}

/// A line's `column` (granted, committed or paid) where its state counts it, else 0.
fn counted(column: &str) -> String {
    format!(
        "CASE WHEN f.state IN {} THEN f.{column} ELSE 0 END",
        FinancingState::GRANTED_SQL
    )
}

/// Two columns whose recombination (`Total::from_split`) is the exact sum of `expr`: summing
/// the billions of cents and the rest apart keeps each partial sum far from 64-bit limits on
/// both databases, however many rows (SQLite's `SUM` fails past them, PostgreSQL's cast too).
fn split_sum(expr: &str) -> String {
    format!(
        "CAST(COALESCE(SUM(({expr}) / 1000000000), 0) AS BIGINT), \
         CAST(COALESCE(SUM(({expr}) % 1000000000), 0) AS BIGINT)"
    )
}

/// The column kinds of `n` split sums.
fn split_kinds(n: usize) -> impl Iterator<Item = ColumnKind> {
    std::iter::repeat_n(ColumnKind::Int, 2 * n)
}

/// How many lines of the group were granted without a stated amount.
fn count_granted_unstated() -> String {
    format!(
        "COUNT(CASE WHEN {} THEN 1 END)",
        FinancingState::GRANTED_UNSTATED_SQL
    )
}

fn int(row: &[SqlValue], i: usize) -> i64 {
    row.get(i).and_then(SqlValue::as_i64).unwrap_or_default()
}

/// The total read from the split sum at columns `i` and `i + 1`.
fn total(row: &[SqlValue], i: usize) -> Total {
    Total::from_split(int(row, i), int(row, i + 1))
}

pub async fn money_by_funder(db: &Db, figures: Figures) -> Result<Vec<FunderMoney>> {
    let mut tx = db.read().await?;
    let (line, operation) = (figures.condition("f"), figures.condition("op"));
    let (line_table, operation_table) = (figures.lines(), figures.operations());
    let kinds: Vec<ColumnKind> = [ColumnKind::Int, ColumnKind::Text, ColumnKind::Int]
        .into_iter()
        .chain(split_kinds(4))
        .chain([ColumnKind::Int])
        .collect();
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT f.funder_id, o.name, COUNT(*), {}, {}, {}, {}, {} \
                 FROM {line_table} f \
                 JOIN organisation o ON o.id = f.funder_id \
                 JOIN {operation_table} op ON op.id = f.operation_id AND op.archived_at IS NULL \
                   AND {operation} \
                 WHERE f.archived_at IS NULL AND {line} \
                 GROUP BY f.funder_id, o.name",
                split_sum("f.requested"),
                split_sum(&counted("granted")),
                split_sum(&counted("committed")),
                split_sum(&counted("paid")),
                count_granted_unstated(),
            ),
            &[],
            &kinds,
        )
        .await?;
    let mut money: Vec<FunderMoney> = rows
        .into_iter()
        .map(|r| FunderMoney {
            funder_id: int(&r, 0),
            funder: r
                .get(1)
                .and_then(SqlValue::as_str)
                .unwrap_or_default()
                .to_string(),
            lines: int(&r, 2),
            requested: total(&r, 3),
            granted: total(&r, 5),
            granted_unstated: int(&r, 11),
            committed: total(&r, 7),
            paid: total(&r, 9),
        })
        .collect();
    money.sort_by(|a, b| {
        b.granted
            .cmp(&a.granted)
            .then_with(|| a.funder.cmp(&b.funder))
    });
    Ok(money)
}

/// How many live operations have each status code.
pub async fn operations_by_status(db: &Db, figures: Figures) -> Result<Vec<(String, i64)>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT status, COUNT(*) FROM {} op WHERE archived_at IS NULL AND {} \
                 GROUP BY status ORDER BY status",
                figures.operations(),
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
    /// Sum of the operations' costs excluding VAT, where given.
    pub cost_ht: Total,
    /// How many of the operations have no cost given (not counted in `cost_ht`).
    pub cost_unknown: i64,
    /// Sum of granted amounts on the operations' financing lines.
    pub granted: Total,
}

/// Operations and granted money outside every group of a breakdown (no axis of the convention,
/// no territory of the level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub operations: i64,
    pub granted: Total,
}

/// `linked (ancestor_id, operation_id)`: each live operation once per node of convention `$1`
/// it is linked to, directly or through a node under it.
fn linked_to_nodes(figures: Figures) -> String {
    let (operation_table, operation) = (figures.operations(), figures.condition("op"));
    format!(
        "WITH RECURSIVE under (ancestor_id, node_id) AS ( \
           SELECT id, id FROM convention_node WHERE convention_id = $1 AND archived_at IS NULL \
           UNION ALL \
           SELECT under.ancestor_id, child.id FROM convention_node child \
           JOIN under ON child.parent_id = under.node_id WHERE child.archived_at IS NULL \
         ), linked AS ( \
           SELECT DISTINCT under.ancestor_id, oa.operation_id FROM under \
           JOIN operation_action oa ON oa.node_id = under.node_id AND oa.archived_at IS NULL \
           JOIN {operation_table} op ON op.id = oa.operation_id AND op.archived_at IS NULL \
             AND {operation} \
         )"
    )
}

/// For every node of `convention_id` that has operations under it.
pub async fn operations_by_node(
    db: &Db,
    convention_id: i64,
    figures: Figures,
) -> Result<Vec<NodeOperations>> {
    let mut tx = db.read().await?;
    let line = figures.condition("f");
    let (line_table, operation_table) = (figures.lines(), figures.operations());
    let linked = linked_to_nodes(figures);
    let kinds: Vec<ColumnKind> = [ColumnKind::Int, ColumnKind::Int, ColumnKind::Int]
        .into_iter()
        .chain(split_kinds(1))
        .collect();
    let rows = tx
        .fetch_all(
            &format!(
                "{linked} SELECT linked.ancestor_id, COUNT(*), \
                   CAST(SUM(CASE WHEN op.cost_ht IS NULL THEN 1 ELSE 0 END) AS BIGINT), {} \
                 FROM linked JOIN {operation_table} op ON op.id = linked.operation_id \
                 GROUP BY linked.ancestor_id",
                split_sum("COALESCE(op.cost_ht, 0)")
            ),
            &[convention_id.into()],
            &kinds,
        )
        .await?;
    let granted = tx
        .fetch_all(
            &format!(
                "{linked} SELECT linked.ancestor_id, {} \
                 FROM linked JOIN {line_table} f ON f.operation_id = linked.operation_id \
                   AND f.archived_at IS NULL AND {line} \
                 GROUP BY linked.ancestor_id",
                split_sum(&counted("granted"))
            ),
            &[convention_id.into()],
            &[ColumnKind::Int; 3],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let node_id = int(&r, 0);
            NodeOperations {
                node_id,
                operations: int(&r, 1),
                cost_unknown: int(&r, 2),
                cost_ht: total(&r, 3),
                granted: granted
                    .iter()
                    .find(|g| int(g, 0) == node_id)
                    .map_or(Total::ZERO, |g| total(g, 1)),
            }
        })
        .collect())
}

/// The live operations linked to no node of `convention_id`, and the money granted to them.
pub async fn operations_outside_convention(
    db: &Db,
    convention_id: i64,
    figures: Figures,
) -> Result<Unplaced> {
    let outside = format!(
        "op.archived_at IS NULL AND {} AND NOT EXISTS (SELECT 1 FROM operation_action oa \
           JOIN convention_node n ON n.id = oa.node_id AND n.archived_at IS NULL \
           WHERE oa.operation_id = op.id AND oa.archived_at IS NULL AND n.convention_id = $1)",
        figures.condition("op")
    );
    unplaced(db, &outside, convention_id.into(), figures).await
}

/// The live operations that satisfy `condition` (on `op`, with one parameter) and the money
/// granted to them.
async fn unplaced(db: &Db, condition: &str, param: SqlValue, figures: Figures) -> Result<Unplaced> {
    let mut tx = db.read().await?;
    let operations = tx
        .fetch_count(
            &format!(
                "SELECT COUNT(*) FROM {} op WHERE {condition}",
                figures.operations()
            ),
            std::slice::from_ref(&param),
        )
        .await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {} FROM {} f JOIN {} op ON op.id = f.operation_id \
                 WHERE f.archived_at IS NULL AND {} AND {condition}",
                split_sum(&counted("granted")),
                figures.lines(),
                figures.operations(),
                figures.condition("f")
            ),
            &[param],
            &[ColumnKind::Int; 2],
        )
        .await?;
    Ok(Unplaced {
        operations,
        granted: rows.first().map_or(Total::ZERO, |r| total(r, 0)),
    })
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

/// The money of the financing lines drawn on each fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundMoney {
    pub fund_id: i64,
    pub lines: i64,
    pub granted: Total,
    /// Lines granted without a stated amount (see `FinancingLine::granted_unstated`).
    pub granted_unstated: i64,
    pub committed: Total,
    pub paid: Total,
}

pub async fn money_by_fund(db: &Db, figures: Figures) -> Result<Vec<FundMoney>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT f.fund_id, COUNT(*), {}, {}, {}, {} \
                 FROM {} f \
                 JOIN {} op ON op.id = f.operation_id AND op.archived_at IS NULL AND {} \
                 WHERE f.archived_at IS NULL AND f.fund_id IS NOT NULL AND {} \
                 GROUP BY f.fund_id",
                split_sum(&counted("granted")),
                split_sum(&counted("committed")),
                split_sum(&counted("paid")),
                count_granted_unstated(),
                figures.lines(),
                figures.operations(),
                figures.condition("op"),
                figures.condition("f"),
            ),
            &[],
            &[ColumnKind::Int; 9],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| FundMoney {
            fund_id: int(&r, 0),
            lines: int(&r, 1),
            granted: total(&r, 2),
            granted_unstated: int(&r, 8),
            committed: total(&r, 4),
            paid: total(&r, 6),
        })
        .collect())
}

/// The operations located in each territory of a level (in it or in any territory under it)
/// and the money granted to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryMoney {
    pub territory_id: i64,
    pub operations: i64,
    pub granted: Total,
}

/// `located (area_id, operation_id)`: each live operation once per territory of level `$1` it
/// lies in.
fn located_in_level(figures: Figures) -> String {
    let (operation_table, operation) = (figures.operations(), figures.condition("op"));
    format!(
        "WITH RECURSIVE up (territory_id, ancestor_id) AS ( \
           SELECT id, id FROM territory WHERE archived_at IS NULL \
           UNION ALL \
           SELECT up.territory_id, t.parent_id FROM up \
           JOIN territory t ON t.id = up.ancestor_id WHERE t.parent_id IS NOT NULL \
         ), located AS ( \
           SELECT DISTINCT a.id AS area_id, op.id AS operation_id FROM up \
           JOIN territory a ON a.id = up.ancestor_id AND a.level = $1 \
           JOIN {operation_table} op ON op.territory_id = up.territory_id \
             AND op.archived_at IS NULL AND {operation} \
         )"
    )
}

pub async fn money_by_territory(
    db: &Db,
    level: &str,
    figures: Figures,
) -> Result<Vec<TerritoryMoney>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!(
                "{} SELECT located.area_id, COUNT(DISTINCT located.operation_id), {} \
                 FROM located LEFT JOIN {} f ON f.operation_id = located.operation_id \
                   AND f.archived_at IS NULL AND {} \
                 GROUP BY located.area_id",
                located_in_level(figures),
                split_sum(&format!("COALESCE({}, 0)", counted("granted"))),
                figures.lines(),
                figures.condition("f"),
            ),
            &[level.into()],
            &[ColumnKind::Int; 4],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| TerritoryMoney {
            territory_id: int(&r, 0),
            operations: int(&r, 1),
            granted: total(&r, 2),
        })
        .collect())
}

/// The live operations in no territory of `level` (no territory at all, or one outside every
/// territory of that level), and the money granted to them.
pub async fn money_outside_level(db: &Db, level: &str, figures: Figures) -> Result<Unplaced> {
    let outside = format!(
        "op.archived_at IS NULL AND {} AND op.id NOT IN ({} SELECT operation_id FROM located)",
        figures.condition("op"),
        located_in_level(figures),
    );
    unplaced(db, &outside, level.into(), figures).await
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
