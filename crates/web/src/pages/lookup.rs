//! Small helpers pages share: fetching the records a page names by id, and French formats.

use std::collections::HashMap;

use chrono::NaiveDate;
use renouveau_domain::money::{self, group_thousands};
use renouveau_domain::{Amount, Deliberation, Document, Total};
use renouveau_store::query::MAX_PER_PAGE;
use renouveau_store::{Edition, Entity, FilterOp, ListQuery, Record, Store};

use crate::error::WebError;

/// The records of `E` with these ids (archived ones included, so that old links still name
/// something).
pub async fn by_ids<E: Entity>(
    store: &Store,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Record<E>>, WebError> {
    by_ids_in(store, Edition::Working, ids).await
}

/// [`by_ids`] in `edition` (a record without a published version is left out of that one).
pub async fn by_ids_in<E: Entity>(
    store: &Store,
    edition: Edition,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Record<E>>, WebError> {
    let mut ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    ids.sort();
    ids.dedup();
    let mut found = HashMap::new();
    for chunk in ids.chunks(MAX_PER_PAGE as usize) {
        let query = ListQuery::default()
            .filter("id", FilterOp::In(chunk.to_vec()))
            .with_archived()
            .page(1, MAX_PER_PAGE);
        for record in store.edition::<E>(edition).list(&query).await?.items {
            found.insert(record.id, record);
        }
    }
    Ok(found)
}

/// Every live record of `E` (for the short lists a form offers), sorted by `sort`.
pub async fn all<E: Entity>(store: &Store, sort: &str) -> Result<Vec<Record<E>>, WebError> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let query = ListQuery::default()
            .sort_by(sort, false)
            .page(page, MAX_PER_PAGE);
        let found = store.records::<E>().list(&query).await?;
        let done = found.items.len() < MAX_PER_PAGE as usize;
        items.extend(found.items);
        if done {
            return Ok(items);
        }
        page += 1;
    }
}

/// "1 234 567 €", for figures where cents do not matter (never panics).
pub fn whole_euros(cents: impl Into<i128>) -> String {
    money::french_whole_euros(cents)
}

/// A sum in whole euros, or « dépassement » if it could not be computed.
pub fn total_euros(total: Option<Total>) -> String {
    total.map_or_else(|| "dépassement".to_string(), Total::to_french_whole)
}

/// A sum in euros and cents, or « dépassement » if it could not be computed.
pub fn total_euros_cents(total: Option<Total>) -> String {
    total.map_or_else(|| "dépassement".to_string(), Total::to_french)
}

/// The sum of the costs of `parts` operations of which `unknown` have no cost given: « — »
/// when there is no operation, « non renseigné » when no cost is known, else the sum and how
/// many are missing from it.
pub fn partly_known_cost(known_sum: Total, parts: i64, unknown: i64) -> String {
    partly_known(known_sum, parts, unknown, "coût")
}

/// A sum of granted amounts over `parts` lines, `unknown` of which were granted without a
/// stated amount.
pub fn partly_known_granted(known_sum: Total, parts: i64, unknown: i64) -> String {
    partly_known(known_sum, parts, unknown, "montant")
}

/// A sum of `parts` of which `unknown` are not known: « non renseigné » when none is, else the
/// sum of the known ones saying how many `noun`s are missing; « — » for no part at all.
fn partly_known(known_sum: Total, parts: i64, unknown: i64, noun: &str) -> String {
    if parts == 0 {
        return "—".into();
    }
    if unknown >= parts {
        return "non renseigné".into();
    }
    let sum = known_sum.to_french_whole();
    match unknown {
        0 => sum,
        1 => format!("{sum} (1 {noun} non renseigné)"),
        n => format!("{sum} ({n} {noun}s non renseignés)"),
    }
}

pub fn optional_euros(amount: Option<Amount>) -> String {
    amount.map_or_else(|| "non renseigné".to_string(), |a| a.to_french())
}

/// Who made a change, as the history shows it: a person's address, or « système » and the
/// tool for the application's own commands (`system:init`).
pub fn actor(label: &str) -> String {
    match label.strip_prefix("system:") {
        Some(tool) => format!("système ({tool})"),
        None => label.to_string(),
    }
}

/// "23/06/2025"
pub fn date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub fn optional_date(value: Option<NaiveDate>) -> String {
    value.map_or_else(String::new, date)
}

/// A number as the French write it: "23 000", "12,5".
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        return group_thousands(value as i64);
    }
    let text = format!("{value:.2}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole: i64 = whole.parse().unwrap_or_default();
    let sign = if value < 0.0 && whole == 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{}", group_thousands(whole))
    } else {
        format!("{sign}{},{fraction}", group_thousands(whole))
    }
}

/// "« passage » (titre du document, caractères a à b)", or what is known of the source when the
/// document's text is not attached.
pub fn source_text(document: &Record<Document>, span: Option<(i64, i64)>) -> String {
    let Some((start, end)) = span else {
        return document.data.title.clone();
    };
    let passage = document.data.text.as_deref().and_then(|text| {
        let from = usize::try_from(start).ok()?;
        let to = usize::try_from(end).ok()?;
        Some(
            text.chars()
                .skip(from)
                .take(to.saturating_sub(from))
                .collect::<String>(),
        )
    });
    match passage {
        Some(p) => format!(
            "«\u{a0}{p}\u{a0}» ({}, caractères {start} à {end})",
            document.data.title
        ),
        None => format!("{}, caractères {start} à {end}", document.data.title),
    }
}

/// An audit row's action, in French.
pub fn audit_action(code: &str) -> &'static str {
    match code {
        "create" => "création",
        "update" => "modification",
        "archive" => "archivage",
        "restore" => "restauration",
        "revoke" => "révocation",
        "disable" => "désactivation",
        "enable" => "réactivation",
        _ => "changement",
    }
}

/// Who presided a deliberation's sitting and where, as far as known: « présidée par
/// Jean-Claude LEROY, secrétaire Emmanuelle LEVEUGLE, à Arras »; empty when nothing is.
pub fn sitting(deliberation: &Deliberation) -> String {
    let parts: Vec<String> = [
        deliberation
            .president
            .as_deref()
            .map(|p| format!("présidée par {p}")),
        deliberation
            .secretary
            .as_deref()
            .map(|s| format!("secrétaire {s}")),
        deliberation.place.as_deref().map(|p| format!("à {p}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_formats() {
        assert_eq!(number(23000.0), "23\u{202f}000");
        assert_eq!(number(12.5), "12,5");
        assert_eq!(
            money::french_cents(123_456_789),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(whole_euros(123_456_789), "1\u{202f}234\u{202f}568\u{a0}€");
        assert_eq!(date("2025-06-23".parse().unwrap()), "23/06/2025");
    }

    #[test]
    fn system_actors_are_named_in_french() {
        assert_eq!(actor("system:init"), "système (init)");
        assert_eq!(actor("a@exemple.fr"), "a@exemple.fr");
    }

    #[test]
    fn a_sitting_names_only_what_is_known() {
        let mut deliberation = Deliberation {
            body_id: 1,
            number: "2025-246".into(),
            decided_on: "2025-06-23".parse().unwrap(),
            title: "Convention".into(),
            report_number: None,
            committee_opinion: None,
            members_present: 0,
            members_excused: 0,
            proxies: 0,
            votes_for: 0,
            votes_against: 0,
            abstentions: 0,
            adopted: true,
            convention_id: None,
            document_id: None,
            president: None,
            secretary: None,
            place: None,
        };
        assert_eq!(sitting(&deliberation), "");
        deliberation.president = Some("Jean-Claude LEROY".into());
        deliberation.place = Some("Arras".into());
        assert_eq!(
            sitting(&deliberation),
            "présidée par Jean-Claude LEROY, à Arras"
        );
    }

    #[test]
    fn an_unknown_cost_is_not_zero() {
        let sum = Total::sum([Amount::from_euros(1000).unwrap()]).unwrap();
        assert_eq!(partly_known_cost(Total::ZERO, 3, 3), "non renseigné");
        assert_eq!(partly_known_cost(Total::ZERO, 0, 0), "—");
        assert_eq!(partly_known_cost(sum, 1, 0), "1\u{202f}000\u{a0}€");
        assert_eq!(
            partly_known_cost(sum, 3, 2),
            "1\u{202f}000\u{a0}€ (2 coûts non renseignés)"
        );
        assert_eq!(partly_known_granted(Total::ZERO, 6, 6), "non renseigné");
        assert_eq!(
            partly_known_granted(sum, 2, 1),
            "1\u{202f}000\u{a0}€ (1 montant non renseigné)"
        );
    }

    #[test]
    fn money_formats_never_recurse_nor_panic() {
        // `euros` (now `money::french_cents`) called itself on `-cents`, which never ends for
        // i64::MIN.
        assert_eq!(
            money::french_cents(i64::MIN),
            "-92\u{202f}233\u{202f}720\u{202f}368\u{202f}547\u{202f}758,08\u{a0}€"
        );
        assert_eq!(money::french_cents(-250), "-2,50\u{a0}€");
        assert_eq!(
            whole_euros(i64::MAX),
            "92\u{202f}233\u{202f}720\u{202f}368\u{202f}547\u{202f}758\u{a0}€"
        );
        assert_eq!(whole_euros(i64::MIN).chars().next(), Some('-'));
        assert_eq!(total_euros(None), "dépassement");
        assert_eq!(
            total_euros(Total::sum([Amount::MAX, Amount::MAX])),
            "20\u{202f}000\u{202f}000\u{202f}000\u{202f}000\u{a0}€"
        );
    }
}
