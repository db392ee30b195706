//! What the editing forms share: who may open them, the CSRF check, reading French values and
//! turning store refusals into messages shown next to the field at fault.

use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use renouveau_domain::calendar::parse_typed_date;
use renouveau_domain::{Actor, Amount, FieldError, FieldErrorKind};
use renouveau_store::authz::{self, WriteAction};
use renouveau_store::{Entity, Store, StoreError};

use super::layout::PageError;
use super::operations::{FormError, urlencode};
use crate::auth::Viewer;
use crate::auth::secret::same_secret;
use crate::error::WebError;

/// The field a conflict (stale version) is reported on: shown above the form.
pub const VERSION_FIELD: &str = "version";

/// Whether the viewer is signed in with a role that writes.
pub fn may_write(viewer: &Viewer) -> bool {
    viewer.user.as_ref().is_some_and(|u| u.role.may_write())
}

/// Whether the viewer may change record `id`: the links to its forms are shown only then.
pub async fn may_edit<E: Entity>(
    store: &Store,
    viewer: &Viewer,
    id: i64,
) -> Result<bool, PageError> {
    let Some(actor) = viewer
        .user
        .as_ref()
        .filter(|_| may_write(viewer))
        .map(|u| u.actor())
    else {
        return Ok(false);
    };
    match store.records::<E>().get_editable(&actor, id).await {
        Ok(_) => Ok(true),
        Err(StoreError::Forbidden { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Why a form page is not shown, if it is not: anonymous visitors go to the sign-in page and
/// come back; readers are told they may not change anything.
pub fn form_refused(viewer: &Viewer, path: &str) -> Option<Response> {
    match &viewer.user {
        None => Some(Redirect::to(&format!("/connexion?next={}", urlencode(path))).into_response()),
        Some(user) if !user.role.may_write() => Some(
            PageError(WebError::Store(StoreError::Forbidden {
                actor: user.email.clone(),
                action: "open a form",
                table: "page",
            }))
            .into_response(),
        ),
        Some(_) => None,
    }
}

/// The acting user of a form, checked before the form is read: signed in (401 otherwise) and
/// of a role that may make `action` on some `E` (403 otherwise). The store decides on the record.
pub fn writer<E: Entity>(viewer: &Viewer, action: WriteAction) -> Result<Actor, PageError> {
    let actor = viewer.actor()?;
    authz::authorize_role::<E>(&actor, action)?;
    Ok(actor)
}

/// The form, once read, must carry the session's CSRF token.
pub fn check_csrf(viewer: &Viewer, sent_csrf: &str) -> Result<(), PageError> {
    if viewer
        .csrf
        .as_deref()
        .is_some_and(|expected| same_secret(sent_csrf, expected))
    {
        Ok(())
    } else {
        Err(WebError::Csrf.into())
    }
}

/// A store refusal the person can fix from the form (invalid value, stale version); any other
/// error ends the request. `labels` names the form's fields in French, for the message.
pub fn refusal(error: StoreError, labels: &[(&str, &str)]) -> Result<FormError, PageError> {
    match error {
        StoreError::Invalid(e) => {
            let mut message = e.message_fr();
            for (field, label) in labels {
                message = message.replace(
                    &format!("«\u{a0}{field}\u{a0}»"),
                    &format!("«\u{a0}{label}\u{a0}»"),
                );
            }
            Ok(FormError {
                message,
                field: e.field,
            })
        }
        e @ StoreError::Conflict { .. } => Ok(FormError {
            field: VERSION_FIELD.into(),
            message: e.message_fr(),
        }),
        e => Err(e.into()),
    }
}

pub fn refuse(field: &str, kind: FieldErrorKind) -> FormError {
    FormError {
        field: field.to_string(),
        message: FieldError::new(field, kind).message_fr(),
    }
}

/// Trimmed text, `None` when empty.
pub fn text(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|t| !t.is_empty())
}

/// An amount in euros as the French write it ("1 234,56"); empty means none.
pub fn amount(field: &str, value: &str) -> Result<Option<Amount>, FormError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    value
        .parse::<Amount>()
        .map(Some)
        .map_err(|e| refuse(field, e.kind))
}

/// An amount in an input, without grouping nor unit: "1234,56".
pub fn amount_value(amount: Option<Amount>) -> String {
    amount.map_or_else(String::new, |a| {
        let cents = a.cents();
        format!("{},{:02}", cents / 100, cents % 100)
    })
}

/// A date from a date input (`2025-06-23`) or typed the French way (`23/06/2025`).
pub fn date(field: &str, value: &str) -> Result<Option<NaiveDate>, FormError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    parse_typed_date(value)
        .map(Some)
        .ok_or_else(|| refuse(field, FieldErrorKind::InvalidDate))
}

pub fn date_value(date: Option<NaiveDate>) -> String {
    date.map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
}

/// A whole count; empty means zero.
pub fn count(field: &str, value: &str) -> Result<i64, FormError> {
    let value: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if value.is_empty() {
        return Ok(0);
    }
    value.parse().map_err(|_| FormError {
        field: field.to_string(),
        message: "Indiquez un nombre entier (exemple\u{a0}: 120).".into(),
    })
}

/// A decimal number ("85,5"); empty means none.
pub fn decimal(field: &str, value: &str) -> Result<Option<f64>, FormError> {
    let value = value.trim().replace(',', ".");
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| FormError {
            field: field.to_string(),
            message: "Indiquez un nombre (exemple\u{a0}: 85,5).".into(),
        })
}

pub fn decimal_value(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| v.to_string().replace('.', ","))
}

/// An optional id from a select; empty means none.
pub fn id(field: &str, value: &str, message: &str) -> Result<Option<i64>, FormError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    value.trim().parse().map(Some).map_err(|_| FormError {
        field: field.to_string(),
        message: message.to_string(),
    })
}

/// One field's error, for the templates.
pub fn error_on<'a>(error: Option<&'a FormError>, field: &str) -> Option<&'a str> {
    error
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_values_are_read() {
        assert_eq!(
            amount("cost_ht", "1 234,56").unwrap().map(Amount::cents),
            Some(123_456)
        );
        assert_eq!(amount_value(Amount::from_cents(123_456).ok()), "1234,56");
        assert_eq!(
            date("start_on", "23/06/2025").unwrap(),
            date("start_on", "2025-06-23").unwrap()
        );
        assert!(date("start_on", "demain").is_err());
        assert_eq!(count("people", "1 200").unwrap(), 1200);
        assert_eq!(decimal("energy_after", "85,5").unwrap(), Some(85.5));
        assert_eq!(decimal_value(Some(85.5)), "85,5");
    }
}
