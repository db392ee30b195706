//! The French pages, rendered on the server and readable without JavaScript.

mod conventions;
mod dashboard;
mod facets_form;
mod financing_form;
mod forms;
mod funding;
mod indicators;
mod layout;
mod lookup;
mod milestone_form;
mod operation_form;
mod operations;
mod partners;
mod session;
mod territories;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/operations", get(operations::list))
        .route(
            "/operations/nouvelle",
            get(operation_form::new_form).post(operation_form::create),
        )
        .route("/operations/{id}", get(operations::show))
        .route(
            "/operations/{id}/modifier",
            get(operation_form::edit_form).post(operation_form::update),
        )
        .route(
            "/operations/{id}/financements",
            axum::routing::post(operations::add_financing),
        )
        .route(
            "/operations/{id}/financements/{line_id}",
            get(financing_form::edit_form).post(financing_form::update),
        )
        .route(
            "/operations/{id}/jalons",
            get(milestone_form::form).post(milestone_form::add),
        )
        .route(
            "/operations/{id}/volets",
            get(facets_form::form).post(facets_form::save),
        )
        .route("/indicateurs", get(indicators::list))
        .route("/indicateurs/{id}", get(indicators::show))
        .route("/territoires", get(territories::map))
        .route("/territoires/{id}", get(territories::show))
        .route("/conventions", get(conventions::list))
        .route("/partenaires", get(partners::list))
        .route("/partenaires/{id}", get(partners::show))
        .route("/financements", get(funding::list))
        .route("/connexion", get(session::form).post(session::sign_in))
        .route("/deconnexion", axum::routing::post(session::sign_out))
        .fallback(layout::not_found)
}
