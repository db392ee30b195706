//! The web application over HTTP (in process), on the backend the test run asks for.
#![allow(clippy::unwrap_used)]

mod api;
mod caching;
mod forms;
mod history;
mod injection;
mod matrix;
mod money;
mod organisations;
mod page_fixes;
mod pages;
mod read_cache;
mod review;
mod search;
mod serving;
mod sign_in;
mod site_frame;
mod support;
mod tokens;
mod typography;
mod visibility;
