//! List query strings (`/api/v1/...?status=works&sort=-title&q=...`): every query string is
//! either refused as a bad request (400) or becomes a list query whose SQL the store builds
//! without error, with only known column names and SQL keywords in its text, every value bound
//! as a numbered parameter, and at most `MAX_PER_PAGE` rows a page.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use renouveau_store::query::MAX_PER_PAGE;
use renouveau_store::row::COMMON_COLUMNS;
use renouveau_store::{Entity, ListQuery};
use renouveau_web::api::list_params::list_query;

#[derive(Debug, Arbitrary)]
struct Input {
    entity: u8,
    params: Vec<(Name, Value)>,
}

#[derive(Debug, Arbitrary)]
enum Name {
    Page,
    PerPage,
    Q,
    Sort,
    Archived,
    Role,
    /// One of the entity's columns (or a common one), with an operator suffix or none.
    Column(u8, Op),
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Op {
    None,
    Eq,
    Gte,
    Lte,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    Day(i32),
    Bool(bool),
    /// A column name, descending when true (for `sort`).
    Column(u8, bool),
}

fuzz_target!(|input: Input| {
    match input.entity % 6 {
        0 => check::<renouveau_domain::Organisation>(&input),
        1 => check::<renouveau_domain::Territory>(&input),
        2 => check::<renouveau_domain::Operation>(&input),
        3 => check::<renouveau_domain::Observation>(&input),
        4 => check::<renouveau_domain::FollowUpAction>(&input),
        _ => check::<renouveau_domain::Document>(&input),
    }
});

fn column_names<E: Entity>() -> Vec<&'static str> {
    COMMON_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .chain(E::COLUMNS.iter().map(|c| c.name))
        .collect()
}

/// The folded twins of searchable columns, which searches and sorts read.
fn folded_names<E: Entity>() -> Vec<String> {
    renouveau_store::row::folded_columns::<E>()
}

fn check<E: Entity>(input: &Input) {
    let columns = column_names::<E>();
    let column = |i: u8| columns[usize::from(i) % columns.len()];
    let params: Vec<(String, String)> = input
        .params
        .iter()
        .map(|(name, value)| {
            let name = match name {
                Name::Page => "page".to_string(),
                Name::PerPage => "per_page".to_string(),
                Name::Q => "q".to_string(),
                Name::Sort => "sort".to_string(),
                Name::Archived => "archived".to_string(),
                Name::Role => "role".to_string(),
                Name::Column(i, Op::None) => column(*i).to_string(),
                Name::Column(i, Op::Eq) => format!("{}.eq", column(*i)),
                Name::Column(i, Op::Gte) => format!("{}.gte", column(*i)),
                Name::Column(i, Op::Lte) => format!("{}.lte", column(*i)),
                Name::Column(i, Op::Other(op)) => format!("{}.{op}", column(*i)),
                Name::Other(name) => name.clone(),
            };
            let value = match value {
                Value::Text(text) => text.clone(),
                Value::Int(n) => n.to_string(),
                Value::Float(x) => x.to_string(),
                Value::Day(days) => chrono::NaiveDate::from_num_days_from_ce_opt(*days)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                Value::Bool(b) => b.to_string(),
                Value::Column(i, true) => format!("-{}", column(*i)),
                Value::Column(i, false) => column(*i).to_string(),
            };
            (name, value)
        })
        .collect();

    let query = match list_query::<E>(&params) {
        Ok(query) => query,
        Err(refusal) => {
            assert_eq!(refusal.status().as_u16(), 400, "{params:?}: {refusal}");
            return;
        }
    };
    let folded = folded_names::<E>();
    let known: Vec<&str> = columns
        .iter()
        .copied()
        .chain(folded.iter().map(String::as_str))
        .collect();
    sql_is_safe::<E>(&query, &params, &known);

    // A parent's children: the same query with the parent's id (`/operations/{id}/milestones`).
    if let Some(parent) = E::COLUMNS.iter().find(|c| c.name.ends_with("_id")) {
        sql_is_safe::<E>(&query.clone().eq(parent.name, 42), &params, &known);
    }
}

const KEYWORDS: &[&str] = &[
    "WHERE", "AND", "OR", "IN", "LIKE", "ESCAPE", "IS", "NOT", "NULL", "NULLIF", "COLLATE",
    "ORDER", "BY", "ASC", "DESC", "NULLS", "LAST", "LIMIT", "OFFSET",
];

fn sql_is_safe<E: Entity>(query: &ListQuery, params: &[(String, String)], columns: &[&str]) {
    let clause = match query.where_clause::<E>() {
        Ok(clause) => clause,
        Err(e) => panic!("{params:?}: accepted by the API, refused by the store: {e}"),
    };
    let order = match query.order_and_page::<E>() {
        Ok(order) => order,
        Err(e) => panic!("{params:?}: accepted by the API, refused by the store: {e}"),
    };
    let sql = format!("{}{order}", clause.sql);

    // No text of the request in the SQL: only keywords, known columns, numbers and the
    // literals the store writes itself (three strings and the "binary" collation).
    let without_literals = sql
        .replace("' '", "")
        .replace("'\\'", "")
        .replace("''", "")
        .replace("COLLATE \"binary\"", "COLLATE");
    assert!(!without_literals.contains('\''), "{params:?}: {sql}");
    for word in without_literals.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        assert!(
            word.is_empty()
                || word.bytes().all(|b| b.is_ascii_digit())
                || KEYWORDS.contains(&word)
                || columns.contains(&word),
            "{params:?}: unexpected {word:?} in {sql}"
        );
    }
    assert!(
        without_literals
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _$(),=<>'|\\%".contains(c)),
        "{params:?}: {sql}"
    );

    // Placeholders $1..$n, each bound, none missing.
    let mut numbers: Vec<usize> = sql
        .split('$')
        .skip(1)
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().expect("a number after $")
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(
        numbers,
        (1..=clause.params.len()).collect::<Vec<_>>(),
        "{params:?}: {sql}"
    );

    // Pages are bounded.
    let (page, per_page) = query.page_bounds();
    assert!(page >= 1 && (1..=MAX_PER_PAGE).contains(&per_page));
    assert!(
        order.contains(&format!(" LIMIT {per_page} OFFSET ")),
        "{order}"
    );
}
