//! Reading a request's path, query string and body with French refusals. A write handler takes
//! its body as an [`UnreadBody`] and reads it only once it knows who asks and that their role
//! may write there: a refusal for who asks (401, 403) never depends on what was sent.
//!
//! Statuses: a path or query parameter of the wrong type is a 400 (a well-formed id naming no
//! record is the handler's 404); a body over [`BODY_LIMIT_BYTES`] is a 413; any other unreadable
//! body is a 400 (the API's amounts over the bound are a 422, see `api::entities`).

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::{Form, Json};
use renouveau_domain::{FieldError, FieldErrorKind};
use renouveau_store::StoreError;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::WebError;

/// Requests larger than this are refused before they are read whole.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// The path parameters of the matched route, or a French refusal.
pub async fn path<T, S>(parts: &mut Parts, state: &S) -> Result<T, WebError>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    match Path::<T>::from_request_parts(parts, state).await {
        Ok(Path(value)) => Ok(value),
        Err(rejection) => {
            tracing::debug!("path refused: {}", rejection.body_text());
            Err(WebError::bad_request(
                "id",
                "Adresse incorrecte : l'identifiant doit être un nombre entier.",
            ))
        }
    }
}

/// The query string read as `T`, or a French refusal naming the parameter when it can.
pub fn query<T: DeserializeOwned>(parts: &Parts) -> Result<T, WebError> {
    Query::<T>::try_from_uri(&parts.uri)
        .map(|Query(value)| value)
        .map_err(|rejection| {
            let text = rejection.body_text();
            tracing::debug!("query string refused: {text}");
            match parameter_named(&text) {
                Some(name) => WebError::bad_request(
                    name,
                    format!("Paramètre « {name} » de l'adresse incorrect."),
                ),
                None => WebError::bad_request("query", "Paramètres de l'adresse incorrects."),
            }
        })
}

/// The parameter a deserialisation error names: `… string: page: invalid digit` → `page`.
fn parameter_named(text: &str) -> Option<&str> {
    let (_, detail) = text.split_once(": ")?;
    let (name, _) = detail.split_once(": ")?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    plain.then_some(name)
}

/// A request whose body is not read yet: see the module's documentation.
#[derive(Debug)]
pub struct UnreadBody(Request);

impl<S: Send + Sync> FromRequest<S> for UnreadBody {
    type Rejection = Infallible;

    async fn from_request(request: Request, _: &S) -> Result<Self, Infallible> {
        Ok(Self(request))
    }
}

impl UnreadBody {
    /// The body as JSON.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, WebError> {
        Json::<T>::from_request(self.0, &())
            .await
            .map(|Json(v)| v)
            .map_err(|rejection| json_refusal(&rejection))
    }

    /// The body as JSON, and whether its object names `field` (a body may leave a field out
    /// to keep its stored value).
    pub async fn json_naming<T: DeserializeOwned>(
        self,
        field: Option<&str>,
    ) -> Result<(T, bool), WebError> {
        let (parts, body) = self.0.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), &())
            .await
            .map_err(|rejection| json_refusal(&JsonRejection::from(rejection)))?;
        let named = field.is_some_and(|field| {
            serde_json::from_slice::<HashMap<String, IgnoredAny>>(&bytes)
                .is_ok_and(|fields| fields.contains_key(field))
        });
        let value = Self(Request::from_parts(parts, Body::from(bytes)))
            .json()
            .await?;
        Ok((value, named))
    }

    /// The body as an HTML form (`application/x-www-form-urlencoded`).
    pub async fn form<T: DeserializeOwned>(self) -> Result<T, WebError> {
        Form::<T>::from_request(self.0, &())
            .await
            .map(|Form(v)| v)
            .map_err(|rejection| form_refusal(&rejection))
    }
}

fn json_refusal(rejection: &JsonRejection) -> WebError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return WebError::TooLarge;
    }
    if let Some(refused) = refused_amount(rejection) {
        return refused;
    }
    // What serde says after axum's own words: the field and the place in the text.
    let text = rejection.body_text();
    let serde_detail = text.split_once(": ").map_or("", |(_, detail)| detail);
    let detail = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "le corps doit être du JSON (Content-Type: application/json)".to_string()
        }
        JsonRejection::JsonSyntaxError(_) => {
            format!("le corps n'est pas du JSON valide ({serde_detail})")
        }
        JsonRejection::JsonDataError(_) => {
            format!("le corps ne correspond pas au schéma attendu ({serde_detail})")
        }
        _ => "le corps n'a pas pu être lu".to_string(),
    };
    WebError::bad_request("body", format!("Requête invalide : {detail}"))
}

/// An amount above the bound, refused by the domain while the body was read: the value is at
/// fault, not the request's shape, so it is a 422 naming the field like any refused value.
fn refused_amount(rejection: &JsonRejection) -> Option<WebError> {
    let JsonRejection::JsonDataError(_) = rejection else {
        return None;
    };
    let text = rejection.body_text();
    let kind = FieldErrorKind::TooLarge;
    let (before, _) = text.split_once(&format!(": invalid field `montant`: {kind}"))?;
    let field = before
        .rsplit(' ')
        .next()
        .filter(|f| !f.is_empty())
        .unwrap_or("montant");
    Some(WebError::Store(StoreError::Invalid(FieldError::new(
        field, kind,
    ))))
}

fn form_refusal(rejection: &FormRejection) -> WebError {
    tracing::debug!("form refused: {}", rejection.body_text());
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return WebError::TooLarge;
    }
    let message = match rejection {
        FormRejection::InvalidFormContentType(_) => {
            "Le formulaire n'a pas été envoyé comme un formulaire de page : rechargez la page et \
             recommencez."
        }
        _ => "Le formulaire envoyé est illisible : rechargez la page et recommencez.",
    };
    WebError::bad_request("formulaire", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameter_at_fault_is_named_when_the_error_says_it() {
        assert_eq!(
            parameter_named("Failed to deserialize query string: page: invalid digit"),
            Some("page")
        );
        assert_eq!(
            parameter_named("Failed to deserialize query string: duplicate field `vue`"),
            None
        );
        assert_eq!(parameter_named("no detail"), None);
    }
}
