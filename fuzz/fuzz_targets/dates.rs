//! Dates typed by people: list filters and forms read `2025-06-23` or `23/06/2025`, the JSON API
//! reads `2025-06-23`. A date that is accepted writes back, both ways, to text that reads as the
//! same date; a date filter the API accepts is a day both databases store alike.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use renouveau_domain::Programme;
use renouveau_store::db::{ColumnKind, SqlValue};
use renouveau_store::query::parse_value;
use renouveau_domain::calendar::accepted_year;
use renouveau_web::api::list_params::list_query;

fuzz_target!(|text: &str| {
    // The reader shared by list filters (store) and forms (same two formats).
    let as_date = parse_value("start_on", ColumnKind::Date, text);
    let as_timestamp = parse_value("created_at", ColumnKind::Timestamp, text);
    let date = match (&as_date, &as_timestamp) {
        (Ok(SqlValue::Date(date)), Ok(SqlValue::Timestamp(at))) => {
            assert_eq!(at.date_naive(), *date, "{text:?}");
            for written in [date.format("%Y-%m-%d"), date.format("%d/%m/%Y")] {
                let written = written.to_string();
                assert_eq!(
                    parse_value("start_on", ColumnKind::Date, &written).as_ref(),
                    Ok(&SqlValue::Date(*date)),
                    "{text:?} -> {written:?}"
                );
            }
            Some(*date)
        }
        (Err(_), Err(_)) => None,
        other => panic!("{text:?}: a date and a timestamp filter disagree: {other:?}"),
    };

    // The API's list filters accept exactly the dates of that reader within the years allowed,
    // and refuse anything else as a bad request.
    for name in ["start_on", "start_on.gte", "end_on.lte"] {
        let params = vec![(name.to_string(), text.to_string())];
        match list_query::<Programme>(&params) {
            Ok(query) if text.is_empty() => {
                // An empty value is no filter at all.
                assert!(query.filters.is_empty(), "{params:?}");
            }
            Ok(query) => {
                let date = date.unwrap_or_else(|| panic!("{params:?} accepted, not a date"));
                assert!(accepted_year(date), "{params:?} accepted as {date}");
                let clause = query.where_clause::<Programme>().expect("store accepts");
                assert_eq!(clause.params, [SqlValue::Date(date)], "{params:?}");
            }
            Err(refusal) => {
                assert_eq!(refusal.status().as_u16(), 400, "{params:?}");
                assert!(date.is_none_or(|d| !accepted_year(d)), "{params:?} refused");
            }
        }
    }

    // The JSON API: a date in a body is an ISO 8601 calendar date.
    let json = serde_json::Value::String(text.to_string());
    if let Ok(date) = serde_json::from_value::<NaiveDate>(json) {
        let back = serde_json::to_value(date).expect("serialises");
        assert_eq!(serde_json::from_value::<NaiveDate>(back).ok(), Some(date));
    }
});
