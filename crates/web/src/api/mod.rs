//! The JSON API under `/api/v1`: the same five operations on every entity, plus the nested lists
//! a client expects. The list of exposed entities lives in [`api_entities!`] so that the routes
//! and the OpenAPI document cannot disagree.

mod entities;
pub mod list_params;
pub mod openapi;

use axum::extract::State;

use crate::routes::Routes;
use crate::state::AppState;
use entities::{ApiPath, ApiQuery, archive, create, fetch, list, list_children, restore, update};

/// Calls `$m!(Type, "path", "French label")` for each entity the API exposes.
#[macro_export]
macro_rules! api_entities {
    ($m:ident) => {
        $m!(renouveau_domain::Programme, "programmes", "Programmes");
        $m!(
            renouveau_domain::Organisation,
            "organisations",
            "Organisations"
        );
        $m!(renouveau_domain::Document, "documents", "Documents");
        $m!(renouveau_domain::Territory, "territories", "Territoires");
        $m!(renouveau_domain::Convention, "conventions", "Conventions");
        $m!(
            renouveau_domain::ConventionNode,
            "convention-nodes",
            "Axes, objectifs et actions"
        );
        $m!(renouveau_domain::NodeLead, "node-leads", "Chefs de file");
        $m!(
            renouveau_domain::ConventionSignatory,
            "signatories",
            "Signataires"
        );
        $m!(
            renouveau_domain::GovernanceBody,
            "governance-bodies",
            "Instances"
        );
        $m!(renouveau_domain::Meeting, "meetings", "Réunions");
        $m!(renouveau_domain::Decision, "decisions", "Décisions");
        $m!(
            renouveau_domain::FollowUpAction,
            "follow-up-actions",
            "Suites à donner"
        );
        $m!(
            renouveau_domain::Deliberation,
            "deliberations",
            "Délibérations"
        );
        $m!(renouveau_domain::Fund, "funds", "Fonds et enveloppes");
        $m!(
            renouveau_domain::FundContribution,
            "fund-contributions",
            "Apports aux fonds"
        );
        $m!(renouveau_domain::Operation, "operations", "Opérations");
        $m!(
            renouveau_domain::OperationAction,
            "operation-actions",
            "Rattachements aux actions"
        );
        $m!(renouveau_domain::Milestone, "milestones", "Jalons");
        $m!(
            renouveau_domain::FinancingLine,
            "financing-lines",
            "Lignes de financement"
        );
        $m!(
            renouveau_domain::HousingFacet,
            "housing-facets",
            "Volets logement"
        );
        $m!(
            renouveau_domain::InsertionFacet,
            "insertion-facets",
            "Volets insertion"
        );
        $m!(renouveau_domain::Indicator, "indicators", "Indicateurs");
        $m!(renouveau_domain::Target, "targets", "Cibles");
        $m!(
            renouveau_domain::Observation,
            "observations",
            "Valeurs observées"
        );
    };
}

/// Lists of a parent's children: `/{parent}/{id}/{children}` lists `child` records whose
/// `column` is the parent's id.
#[macro_export]
macro_rules! api_children {
    ($m:ident) => {
        $m!(
            "conventions",
            "nodes",
            renouveau_domain::ConventionNode,
            "convention_id"
        );
        $m!(
            "operations",
            "financing",
            renouveau_domain::FinancingLine,
            "operation_id"
        );
        $m!(
            "operations",
            "milestones",
            renouveau_domain::Milestone,
            "operation_id"
        );
        $m!(
            "indicators",
            "observations",
            renouveau_domain::Observation,
            "indicator_id"
        );
        $m!(
            "indicators",
            "targets",
            renouveau_domain::Target,
            "indicator_id"
        );
        $m!(
            "funds",
            "contributions",
            renouveau_domain::FundContribution,
            "fund_id"
        );
    };
}

pub fn routes() -> Routes {
    let mut routes = Routes::new();
    macro_rules! entity_routes {
        ($ty:ty, $path:literal, $label:literal) => {
            routes = routes
                .get(concat!("/", $path), list::<$ty>)
                .post(concat!("/", $path), create::<$ty>)
                .get(concat!("/", $path, "/{id}"), fetch::<$ty>)
                .put(concat!("/", $path, "/{id}"), update::<$ty>)
                .post(concat!("/", $path, "/{id}/archive"), archive::<$ty>)
                .post(concat!("/", $path, "/{id}/restore"), restore::<$ty>);
        };
    }
    api_entities!(entity_routes);
    macro_rules! child_routes {
        ($parent:literal, $children:literal, $ty:ty, $column:literal) => {
            routes = routes.get(
                concat!("/", $parent, "/{id}/", $children),
                |state: State<AppState>,
                 id: ApiPath<i64>,
                 params: ApiQuery<Vec<(String, String)>>| {
                    list_children::<$ty>(state, id, params, $column)
                },
            );
        };
    }
    api_children!(child_routes);
    routes
}
