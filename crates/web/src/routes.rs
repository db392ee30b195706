//! The routes the application serves, mounted and listed by the same calls: each `get`/`post`/
//! `put` both adds the handler to the axum router and records (method, path template), so that
//! [`crate::route_catalogue`] cannot miss a route the router serves.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};

use crate::state::AppState;

/// One route: a method and a path template as axum reads it (`/operations/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: Method,
    pub path: String,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// An axum router that keeps the list of what it serves.
#[derive(Debug, Default)]
pub struct Routes {
    router: Router<AppState>,
    served: Vec<Route>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, routing::get(handler))
    }

    pub fn post<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, routing::post(handler))
    }

    pub fn put<H, T>(self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, routing::put(handler))
    }

    /// Serves `routes` under `prefix` (`/api/v1`).
    pub fn nest(mut self, prefix: &str, routes: Routes) -> Self {
        self.router = self.router.nest(prefix, routes.router);
        self.served
            .extend(routes.served.into_iter().map(|route| Route {
                path: format!("{prefix}{}", route.path),
                ..route
            }));
        self
    }

    pub fn merge(mut self, routes: Routes) -> Self {
        self.router = self.router.merge(routes.router);
        self.served.extend(routes.served);
        self
    }

    /// What answers a path no route matches (not a route: it is not listed).
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }

    pub fn served(&self) -> &[Route] {
        &self.served
    }

    fn add(mut self, method: Method, path: &str, handler: MethodRouter<AppState>) -> Self {
        // axum merges the methods of one path given in several calls.
        self.router = self.router.route(path, handler);
        self.served.push(Route {
            method,
            path: path.to_string(),
        });
        self
    }
}
