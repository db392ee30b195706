//! The web application: French pages rendered on the server, the JSON API under `/api/v1`, and
//! sign-in. This is the only crate that knows HTTP; every write goes through the store's
//! services with the signed-in user as the actor.

pub mod api;
mod app;
pub mod auth;
mod cache;
mod error;
mod extract;
mod pages;
pub mod routes;
mod state;

pub use app::{ServeOptions, route_catalogue, router, serve, serve_with};
pub use state::AppState;
