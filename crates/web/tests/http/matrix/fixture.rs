//! One record of every API collection, created through the API by the administrator. Whatever
//! can belong to a partner belongs to the first one (Lens), so that "editor of the owning
//! partner" and "editor of another partner" mean the same thing on every route.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::App;

/// The id of the record of each API collection (`"operations"` → id).
#[derive(Debug)]
pub struct Records(BTreeMap<&'static str, i64>);

impl Records {
    pub fn id(&self, collection: &str) -> i64 {
        *self.0.get(collection).unwrap_or_else(|| {
            panic!("no record of {collection} in the matrix fixture: add one to fixture.rs")
        })
    }

    pub async fn create(app: &App) -> Self {
        let mut records = Self(BTreeMap::new());
        records.0.insert("organisations", app.lens);
        records.0.insert(
            "programmes",
            app.operation["programme_id"].as_i64().unwrap(),
        );
        records.0.insert("operations", app.operation_id());
        let lens = app.lens;
        let programme = records.id("programmes");
        let operation = records.id("operations");

        let document = records
            .add(
                app,
                "documents",
                json!({"title": "Engagement pour le renouveau du Bassin minier",
                "kind": "convention", "file_name": "erbm.pdf", "media_type": "application/pdf",
                "sha256": "a".repeat(64), "size_bytes": 123_456, "published_on": "2017-03-07",
                "text": null}),
            )
            .await;
        let territory = records
            .add(
                app,
                "territories",
                json!({"level": "zone", "code": "CITE-12",
                "name": "Cité 12/14", "parent_id": null, "population": 1_200,
                "landlord_id": null, "unesco": true, "tranche": null}),
            )
            .await;
        let convention = records
            .add(
                app,
                "conventions",
                json!({"programme_id": programme, "code": "ERBM-2017",
                "title": "Engagement", "kind": "engagement", "amends_id": null,
                "version_number": 1, "signed_on": "2017-03-07", "start_on": "2017-03-07",
                "end_on": "2027-12-31"}),
            )
            .await;
        let node = records
            .add(
                app,
                "convention-nodes",
                json!({"convention_id": convention,
                "parent_id": null, "kind": "axis", "code": "1", "title": "Habitat",
                "description": null, "position": 1}),
            )
            .await;
        records
            .add(
                app,
                "node-leads",
                json!({"node_id": node, "organisation_id": lens}),
            )
            .await;
        let body = records
            .add(
                app,
                "governance-bodies",
                json!({"programme_id": programme,
                "organisation_id": lens, "kind": "council", "name": "Conseil communautaire",
                "meetings_per_year": 6}),
            )
            .await;
        let deliberation = records
            .add(
                app,
                "deliberations",
                json!({"body_id": body, "number": "2025-14",
                "decided_on": "2025-03-01", "title": "Approbation de l'engagement",
                "report_number": null, "committee_opinion": null, "members_present": 50,
                "members_excused": 2, "proxies": 3, "votes_for": 53, "votes_against": 0,
                "abstentions": 0, "adopted": true, "convention_id": convention,
                "document_id": document}),
            )
            .await;
        records
            .add(
                app,
                "signatories",
                json!({"convention_id": convention,
                "organisation_id": lens, "representative": "Le président",
                "representative_title": "Président", "deliberation_id": deliberation,
                "signed_on": "2017-03-07"}),
            )
            .await;
        let meeting = records
            .add(
                app,
                "meetings",
                json!({"body_id": body, "held_on": "2025-02-01",
                "title": "Séance du 1er février", "attendance": null, "agenda": null}),
            )
            .await;
        let decision = records
            .add(
                app,
                "decisions",
                json!({"meeting_id": meeting, "decided_on": "2025-02-01",
                "title": "Lancer les études", "text": null}),
            )
            .await;
        records
            .add(
                app,
                "follow-up-actions",
                json!({"decision_id": decision, "owner_id": lens,
                "operation_id": operation, "title": "Commander l'étude", "due_on": "2025-06-30",
                "status": "open"}),
            )
            .await;
        let fund = records
            .add(
                app,
                "funds",
                json!({"programme_id": programme, "parent_id": null,
                "code": "FNADT-ERBM", "name": "FNADT", "description": null,
                "amount": 1_000_000_000, "start_year": 2017, "end_year": 2027}),
            )
            .await;
        records
            .add(
                app,
                "fund-contributions",
                json!({"fund_id": fund, "funder_id": lens,
                "amount": 100_000_000}),
            )
            .await;
        records
            .add(
                app,
                "operation-actions",
                json!({"operation_id": operation, "node_id": node}),
            )
            .await;
        records
            .add(
                app,
                "milestones",
                json!({"operation_id": operation,
                "label": "Ordre de service", "planned_on": "2025-03-01", "done_on": null}),
            )
            .await;
        records
            .add(
                app,
                "financing-lines",
                json!({"operation_id": operation, "funder_id": lens,
                "fund_id": fund, "scheme": null, "year": 2025, "state": "requested",
                "requested": 8_000_000, "granted": 0, "committed": 0, "paid": 0,
                "decision_ref": null, "decision_on": null}),
            )
            .await;
        records
            .add(
                app,
                "housing-facets",
                json!({"operation_id": operation, "dwellings": 120,
                "landlord_id": null, "energy_before": 310.0, "energy_after": 85.5,
                "biosourced": true}),
            )
            .await;
        records
            .add(
                app,
                "insertion-facets",
                json!({"operation_id": operation,
                "hours_required": 1_500, "hours_done": 0, "people": 4, "people_rsa": 1,
                "people_under_26": 1, "people_long_term_unemployed": 1, "people_women": 2}),
            )
            .await;
        let indicator = records
            .add(
                app,
                "indicators",
                json!({"programme_id": programme, "code": "LOG-REHAB",
                "name": "Logements réhabilités", "unit": "logements", "direction": "increase",
                "aggregation": "sum", "cumulative": true, "description": null}),
            )
            .await;
        records
            .add(
                app,
                "targets",
                json!({"indicator_id": indicator,
                "convention_id": convention, "territory_id": territory, "value": 23_000.0,
                "due_on": "2027-12-31", "document_id": null, "source_start": null,
                "source_end": null}),
            )
            .await;
        records
            .add(
                app,
                "observations",
                json!({"indicator_id": indicator,
                "territory_id": territory, "value": 1_200.0, "observed_on": "2024-12-31",
                "period_start": null, "status": "declared", "document_id": null,
                "source_start": null, "source_end": null, "note": null}),
            )
            .await;
        records
    }

    async fn add(&mut self, app: &App, collection: &'static str, body: Value) -> i64 {
        let path = format!("/api/v1/{collection}");
        let created = app
            .send(Method::POST, &path, Some(&app.admin), Some(body))
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{collection}: {}",
            created.body
        );
        let id = created.json()["id"].as_i64().unwrap();
        self.0.insert(collection, id);
        id
    }
}
