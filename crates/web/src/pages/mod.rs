//! The French pages, rendered on the server and readable without JavaScript.

mod dashboard;
mod layout;
mod lookup;
mod operations;
mod session;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/operations", get(operations::list))
        .route("/operations/{id}", get(operations::show))
        .route(
            "/operations/{id}/financements",
            axum::routing::post(operations::add_financing),
        )
        .route("/connexion", get(session::form).post(session::sign_in))
        .route("/deconnexion", axum::routing::post(session::sign_out))
        .fallback(layout::not_found)
}
