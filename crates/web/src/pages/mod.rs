//! The French pages, rendered on the server and readable without JavaScript.

mod audit_view;
mod conventions;
mod dashboard;
mod facets_form;
mod financing_form;
mod forms;
mod funding;
mod history;
mod indicators;
mod layout;
mod legal;
mod lookup;
mod milestone_form;
mod operation_form;
mod operations;
mod params;
mod partners;
mod review;
mod session;
mod territories;
mod typography;

use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", dashboard::show)
        .get("/operations", operations::list)
        .get("/operations/nouvelle", operation_form::new_form)
        .post("/operations/nouvelle", operation_form::create)
        .get("/operations/{id}", operations::show)
        .get("/operations/{id}/modifier", operation_form::edit_form)
        .post("/operations/{id}/modifier", operation_form::update)
        .post("/operations/{id}/financements", operations::add_financing)
        .get(
            "/operations/{id}/financements/{line_id}",
            financing_form::edit_form,
        )
        .post(
            "/operations/{id}/financements/{line_id}",
            financing_form::update,
        )
        .get("/operations/{id}/jalons", milestone_form::form)
        .post("/operations/{id}/jalons", milestone_form::add)
        .get("/operations/{id}/volets", facets_form::form)
        .post("/operations/{id}/volets", facets_form::save)
        .get("/indicateurs", indicators::list)
        .get("/indicateurs/{id}", indicators::show)
        .get("/territoires", territories::map)
        .get("/territoires/{id}", territories::show)
        .get("/conventions", conventions::list)
        .get("/partenaires", partners::list)
        .get("/partenaires/{id}", partners::show)
        .get("/financements", funding::list)
        .get("/historique/{entity}/{id}", history::show)
        .post("/historique/{entity}/{id}/restaurer", history::restore)
        .get("/validation", review::list)
        .post("/validation", review::answer)
        .get("/connexion", session::form)
        .post("/connexion", session::sign_in)
        .post("/deconnexion", session::sign_out)
        .get("/mentions-legales", legal::legal_notice)
        .get("/donnees-personnelles", legal::personal_data)
        .get("/accessibilite", legal::accessibility)
        .fallback(layout::not_found)
}
