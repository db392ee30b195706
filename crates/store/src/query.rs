//! List queries: filters, free-text search, sorting and pagination, turned into SQL whose values
//! are all bound parameters.

use renouveau_domain::calendar::parse_typed_date;
use renouveau_domain::{FieldError, FieldErrorKind};
use serde::Serialize;

use crate::db::{ColumnKind, SqlValue};
use crate::entity::Entity;
use crate::folding::{fold, folded_name};
use crate::row::{COMMON_COLUMNS, Record};

pub const MAX_PER_PAGE: u32 = 500;
pub const DEFAULT_PER_PAGE: u32 = 50;

/// What a list asks for. Values are text, as they come from a form or a query string, and are
/// parsed by the kind of the column they filter.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    pub search: Option<String>,
    pub sort: Option<Sort>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
    pub include_archived: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            filters: Vec::new(),
            search: None,
            sort: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            include_archived: false,
        }
    }
}

impl ListQuery {
    pub fn filter(mut self, column: &str, op: FilterOp) -> Self {
        self.filters.push(Filter {
            column: column.to_string(),
            op,
        });
        self
    }

    pub fn eq(self, column: &str, value: impl ToString) -> Self {
        self.filter(column, FilterOp::Eq(value.to_string()))
    }

    pub fn search(mut self, text: &str) -> Self {
        self.search = Some(text.to_string());
        self
    }

    pub fn sort_by(mut self, column: &str, descending: bool) -> Self {
        self.sort = Some(Sort {
            column: column.to_string(),
            descending,
        });
        self
    }

    pub fn page(mut self, page: u32, per_page: u32) -> Self {
        self.page = page;
        self.per_page = per_page;
        self
    }

    pub fn with_archived(mut self) -> Self {
        self.include_archived = true;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub column: String,
    pub op: FilterOp,
}

#[derive(Debug, Clone)]
pub enum FilterOp {
    Eq(String),
    In(Vec<String>),
    /// The column holds words separated by spaces, one of which is this one.
    HasWord(String),
    Gte(String),
    Lte(String),
    IsNull(bool),
}

#[derive(Debug, Clone)]
pub struct Sort {
    pub column: String,
    pub descending: bool,
}

/// One page of a list, with the total number of matching records.
#[derive(Debug, Clone, Serialize)]
pub struct Page<E> {
    pub items: Vec<Record<E>>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// A `WHERE` clause and its parameters, numbered from `$1`.
#[derive(Debug, Default)]
pub struct WhereClause {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl WhereClause {
    fn push(&mut self, condition: String) {
        self.sql.push_str(if self.sql.is_empty() {
            " WHERE "
        } else {
            " AND "
        });
        self.sql.push_str(&condition);
    }

    fn bind(&mut self, value: SqlValue) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }
}

fn column_kind<E: Entity>(name: &str) -> Result<ColumnKind, FieldError> {
    COMMON_COLUMNS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .or_else(|| E::column(name).map(|c| c.kind))
        .ok_or_else(|| {
            FieldError::new(
                name,
                FieldErrorKind::Inconsistent {
                    reason: "critère de filtre inconnu",
                },
            )
        })
}

/// The static name of a known column (so that only known names reach the SQL text).
fn column_name<E: Entity>(name: &str) -> Result<&'static str, FieldError> {
    column_kind::<E>(name)?;
    Ok(COMMON_COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .chain(E::COLUMNS.iter().map(|c| c.name))
        .find(|n| *n == name)
        .unwrap_or("id"))
}

/// Parses a filter value as the column's kind.
pub fn parse_value(column: &str, kind: ColumnKind, text: &str) -> Result<SqlValue, FieldError> {
    let text = text.trim();
    let bad = |expected| FieldError::new(column, FieldErrorKind::InvalidCode { expected });
    Ok(match kind {
        ColumnKind::Int => SqlValue::Int(text.parse().map_err(|_| bad("un nombre entier"))?),
        ColumnKind::Float => SqlValue::Float(
            text.replace(',', ".")
                .parse()
                .map_err(|_| bad("un nombre"))?,
        ),
        ColumnKind::Text => SqlValue::Text(text.to_string()),
        ColumnKind::Bool => SqlValue::Bool(match text {
            "true" | "1" | "oui" => true,
            "false" | "0" | "non" => false,
            _ => return Err(bad("oui ou non")),
        }),
        ColumnKind::Date | ColumnKind::Timestamp => {
            let date = parse_typed_date(text)
                .ok_or_else(|| FieldError::new(column, FieldErrorKind::InvalidDate))?;
            if kind == ColumnKind::Date {
                SqlValue::Date(date)
            } else {
                SqlValue::Timestamp(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            }
        }
    })
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
fn like_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

impl ListQuery {
    /// Builds the `WHERE` clause for entity `E`; unknown columns or unparsable values are errors
    /// naming the filter.
    pub fn where_clause<E: Entity>(&self) -> Result<WhereClause, FieldError> {
        let mut clause = WhereClause::default();
        if !self.include_archived {
            clause.push("archived_at IS NULL".into());
        }
        for filter in &self.filters {
            let column = column_name::<E>(&filter.column)?;
            let kind = column_kind::<E>(column)?;
            let condition = match &filter.op {
                FilterOp::Eq(v) => {
                    let p = clause.bind(parse_value(column, kind, v)?);
                    format!("{column} = {p}")
                }
                FilterOp::In(values) if values.is_empty() => "1 = 0".to_string(),
                FilterOp::In(values) => {
                    let mut placeholders = Vec::new();
                    for v in values {
                        placeholders.push(clause.bind(parse_value(column, kind, v)?));
                    }
                    format!("{column} IN ({})", placeholders.join(", "))
                }
                FilterOp::HasWord(word) => {
                    let p =
                        clause.bind(SqlValue::Text(format!("% {} %", like_escape(word.trim()))));
                    format!("(' ' || {column} || ' ') LIKE {p} ESCAPE '\\'")
                }
                FilterOp::Gte(v) => {
                    let p = clause.bind(parse_value(column, kind, v)?);
                    format!("{column} >= {p}")
                }
                FilterOp::Lte(v) => {
                    let p = clause.bind(parse_value(column, kind, v)?);
                    format!("{column} <= {p}")
                }
                FilterOp::IsNull(true) => format!("{column} IS NULL"),
                FilterOp::IsNull(false) => format!("{column} IS NOT NULL"),
            };
            clause.push(condition);
        }
        if let Some(text) = &self.search
            && !E::SEARCH.is_empty()
        {
            // Every word, folded as the stored twins are, in any searchable column.
            for word in fold(text).split_whitespace() {
                let p = clause.bind(SqlValue::Text(format!("%{}%", like_escape(word))));
                let any_column = E::SEARCH
                    .iter()
                    .map(|c| format!("{} LIKE {p} ESCAPE '\\'", folded_name(c)))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                clause.push(format!("({any_column})"));
            }
        }
        Ok(clause)
    }

    /// `ORDER BY` and `LIMIT`/`OFFSET`; the id breaks ties so that pages never overlap. Empty
    /// and missing values come last in both directions. Searchable text sorts by its folded
    /// twin (French order: « Béthune », « Busnes », « État »); other text, codes mostly, by
    /// its bytes (the `"binary"` collation, SQLite's own, which migration 0008 gives
    /// PostgreSQL), so that both backends agree whatever their locale.
    pub fn order_and_page<E: Entity>(&self) -> Result<String, FieldError> {
        let order = match &self.sort {
            Some(sort) => {
                let column = column_name::<E>(&sort.column)?;
                let direction = if sort.descending { "DESC" } else { "ASC" };
                let key = if column == "id" {
                    String::new()
                } else if E::SEARCH.contains(&column) {
                    format!("{} {direction} NULLS LAST, ", folded_name(column))
                } else if column_kind::<E>(column)? == ColumnKind::Text {
                    format!("NULLIF({column}, '') COLLATE \"binary\" {direction} NULLS LAST, ")
                } else {
                    format!("{column} {direction} NULLS LAST, ")
                };
                format!(" ORDER BY {key}id {direction}")
            }
            None => " ORDER BY id ASC".to_string(),
        };
        let (page, per_page) = self.page_bounds();
        Ok(format!(
            "{order} LIMIT {per_page} OFFSET {}",
            u64::from(page - 1) * u64::from(per_page)
        ))
    }

    pub fn page_bounds(&self) -> (u32, u32) {
        (self.page.max(1), self.per_page.clamp(1, MAX_PER_PAGE))
    }
}
