//! Query strings to list queries: `page`, `per_page`, `q` (free text), `sort` (`col` or `-col`),
//! `archived=true`, and a filter per column (`status=works`; repeated for any of several values;
//! `col.gte=`/`col.lte=` for ranges). `role=` filters organisations by one of their roles.
//! Unknown parameters are refused rather than ignored, so that a typo does not return everything;
//! so are values the column cannot hold and sorts on unknown columns: every mistake in a query
//! string is a 400 naming the parameter, and a query this module accepts is one the store runs.

use renouveau_store::db::ColumnKind;
use renouveau_store::query::parse_value;
use renouveau_store::row::COMMON_COLUMNS;
use renouveau_store::{Entity, FilterOp, ListQuery};

use crate::error::WebError;

pub fn list_query<E: Entity>(params: &[(String, String)]) -> Result<ListQuery, WebError> {
    let mut query = ListQuery::default();
    let mut per_page = query.per_page;
    let mut equal: Vec<(&str, Vec<String>)> = Vec::new();
    for (name, value) in params {
        if value.contains('\0') {
            return Err(WebError::bad_request(
                name,
                "Le caractère nul (U+0000) n'est pas accepté.",
            ));
        }
        match name.as_str() {
            "page" => query.page = number(name, value)?,
            "per_page" => per_page = number(name, value)?,
            "q" if !value.trim().is_empty() => query.search = Some(value.trim().to_string()),
            "q" => {}
            "sort" if value.is_empty() => {}
            "sort" => {
                let (column, descending) = match value.strip_prefix('-') {
                    Some(column) => (column, true),
                    None => (value.as_str(), false),
                };
                let known =
                    COMMON_COLUMNS.iter().any(|(c, _)| *c == column) || E::column(column).is_some();
                if !known {
                    return Err(WebError::bad_request(
                        name,
                        format!("Tri inconnu : « {value} »."),
                    ));
                }
                query = query.sort_by(column, descending);
            }
            "archived" => query.include_archived = value == "true",
            "role" if E::column("roles").is_some() => {
                query = query.filter("roles", FilterOp::HasWord(value.clone()));
            }
            _ => {
                if value.is_empty() {
                    continue;
                }
                let (column, op) = name.split_once('.').unwrap_or((name, "eq"));
                let Some(known) = E::column(column) else {
                    return Err(WebError::bad_request(
                        name,
                        format!("Filtre inconnu : « {name} »."),
                    ));
                };
                if matches!(op, "eq" | "gte" | "lte") {
                    check_value(name, column, known.kind, value)?;
                }
                if let Some(codes) =
                    E::codes(column).filter(|codes| !codes.contains(&value.as_str()))
                {
                    return Err(WebError::bad_request(
                        name,
                        format!(
                            "« {name} » : valeur inconnue (valeurs admises : {}).",
                            codes.join(", ")
                        ),
                    ));
                }
                match op {
                    "eq" => match equal.iter_mut().find(|(c, _)| *c == column) {
                        Some((_, values)) => values.push(value.clone()),
                        None => equal.push((column, vec![value.clone()])),
                    },
                    "gte" => query = query.filter(column, FilterOp::Gte(value.clone())),
                    "lte" => query = query.filter(column, FilterOp::Lte(value.clone())),
                    _ => {
                        return Err(WebError::bad_request(
                            name,
                            format!("Filtre inconnu : « {name} »."),
                        ));
                    }
                }
            }
        }
    }
    for (column, mut values) in equal {
        query = if values.len() == 1 {
            query.filter(column, FilterOp::Eq(values.remove(0)))
        } else {
            query.filter(column, FilterOp::In(values))
        };
    }
    query.per_page = per_page;
    Ok(query)
}

fn number(name: &str, value: &str) -> Result<u32, WebError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            WebError::bad_request(
                name,
                format!("« {name} » doit être un nombre entier positif."),
            )
        })
}

/// Refuses, as a bad request, a filter value the column cannot hold.
fn check_value(name: &str, column: &str, kind: ColumnKind, value: &str) -> Result<(), WebError> {
    parse_value(column, kind, value)
        .map(drop)
        .map_err(|e| WebError::bad_request(name, format!("« {name} » : {}.", e.kind.message_fr())))
}

#[cfg(test)]
mod tests {
    use renouveau_domain::{Document, Operation, Organisation};

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// Whether the query string is accepted, and then whether the store builds its SQL.
    fn outcome<E: Entity>(pairs: &[(&str, &str)]) -> Result<(), u16> {
        let query = list_query::<E>(&params(pairs)).map_err(|e| e.status().as_u16())?;
        query
            .where_clause::<E>()
            .expect("the store builds the filters");
        query
            .order_and_page::<E>()
            .expect("the store builds the order");
        Ok(())
    }

    #[test]
    fn accepted_queries_are_queries_the_store_runs() {
        assert_eq!(
            outcome::<Operation>(&[("sort", "-title"), ("page", "2")]),
            Ok(())
        );
        assert_eq!(outcome::<Operation>(&[("sort", "updated_at")]), Ok(()));
        assert_eq!(outcome::<Operation>(&[("sort", "")]), Ok(()));
        assert_eq!(
            outcome::<Operation>(&[("start_on.gte", "2020-01-01")]),
            Ok(())
        );
        assert_eq!(outcome::<Operation>(&[("start_on", "23/06/2025")]), Ok(()));
        assert_eq!(outcome::<Document>(&[("size_bytes.lte", "1000")]), Ok(()));
        assert_eq!(
            outcome::<Operation>(&[("status", "works"), ("status", "delivered")]),
            Ok(())
        );
        assert_eq!(outcome::<Organisation>(&[("role", "x' OR 1=1")]), Ok(()));
    }

    #[test]
    fn mistakes_are_bad_requests_not_store_errors() {
        // Found by the `list_query` fuzz target and schemathesis: an empty or unknown sort, or
        // a value the column cannot hold, passed here and was refused by the store (422).
        for pairs in [
            &[("sort", "-")][..],
            &[("sort", "colour")],
            &[("sort", "-title; DROP TABLE operation")],
            &[("owner_id", "abc")],
            &[("cost_ht.gte", "1,5")],
            &[("start_on", "demain")],
            &[("start_on.lte", "23/06/25")],
            &[("start_on", "-5000-01-01")],
            &[("start_on", "0-4-3")],
            &[("owner_id", "1"), ("owner_id", "x")],
            &[("status", "travaux")],
            &[("status", "works"), ("status", "Works")],
        ] {
            assert_eq!(outcome::<Operation>(pairs), Err(400), "{pairs:?}");
        }
    }
}
