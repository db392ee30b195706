//! Query strings to list queries: `page`, `per_page`, `q` (free text), `sort` (`col` or `-col`),
//! `archived=true`, and a filter per column (`status=works`; repeated for any of several values;
//! `col.gte=`/`col.lte=` for ranges). `role=` filters organisations by one of their roles.
//! Unknown parameters are refused rather than ignored, so that a typo does not return everything.

use renouveau_store::{Entity, FilterOp, ListQuery};

use crate::error::WebError;

pub fn list_query<E: Entity>(params: &[(String, String)]) -> Result<ListQuery, WebError> {
    let mut query = ListQuery::default();
    let mut per_page = query.per_page;
    let mut equal: Vec<(&str, Vec<String>)> = Vec::new();
    for (name, value) in params {
        match name.as_str() {
            "page" => query.page = number(name, value)?,
            "per_page" => per_page = number(name, value)?,
            "q" if !value.trim().is_empty() => query.search = Some(value.trim().to_string()),
            "q" => {}
            "sort" => {
                let (column, descending) = match value.strip_prefix('-') {
                    Some(column) => (column, true),
                    None => (value.as_str(), false),
                };
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
                if E::column(column).is_none() {
                    return Err(WebError::bad_request(
                        name,
                        format!("Filtre inconnu : « {name} »."),
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
