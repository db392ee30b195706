//! The dashboard: the programme at a glance.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use renouveau_domain::Operation;
use renouveau_store::ListQuery;

use super::layout::{Page, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    page: Page,
    operations: i64,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, PageError> {
    let operations = state
        .store
        .records::<Operation>()
        .list(&ListQuery::default().page(1, 1))
        .await?
        .total;
    render(&Dashboard {
        page: Page::new(&viewer, "/", "Tableau de bord"),
        operations,
    })
}
