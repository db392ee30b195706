//! Dates typed by people: list filters and forms read `2025-06-23` or `23/06/2025`, the JSON API
//! reads `2025-06-23`. A date that is accepted writes back, both ways, to text that reads as the
//! same date, on a day both databases store (years 1 to 9999).
#![no_main]

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use renouveau_store::db::{ColumnKind, SqlValue};
use renouveau_store::query::parse_value;

fuzz_target!(|text: &str| {
    let as_date = parse_value("start_on", ColumnKind::Date, text);
    let as_timestamp = parse_value("created_at", ColumnKind::Timestamp, text);
    match (&as_date, &as_timestamp) {
        (Ok(SqlValue::Date(date)), Ok(SqlValue::Timestamp(at))) => {
            assert_eq!(at.date_naive(), *date, "{text:?}");
            check(text, *date);
            for written in [date.format("%Y-%m-%d"), date.format("%d/%m/%Y")] {
                let written = written.to_string();
                assert_eq!(
                    parse_value("start_on", ColumnKind::Date, &written).as_ref(),
                    Ok(&SqlValue::Date(*date)),
                    "{text:?} -> {written:?}"
                );
            }
        }
        (Err(_), Err(_)) => {}
        other => panic!("{text:?}: a date and a timestamp filter disagree: {other:?}"),
    }

    // The JSON API: a date in a body is an ISO 8601 calendar date.
    let json = serde_json::Value::String(text.to_string());
    if let Ok(date) = serde_json::from_value::<NaiveDate>(json) {
        check(text, date);
        let back = serde_json::to_value(date).expect("serialises");
        assert_eq!(serde_json::from_value::<NaiveDate>(back).ok(), Some(date));
    }
});

fn check(text: &str, date: NaiveDate) {
    assert!(
        (1..=9999).contains(&date.year()),
        "{text:?} is accepted as {date}, a day out of the databases' common range"
    );
}
