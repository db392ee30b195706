//! Writes the bundled files in dependency order: organisations, territories, programme and
//! conventions, governance, funds, indicators and their figures, operations and their plans.

use std::collections::HashMap;

use renouveau_domain::{
    Actor, Amount, Convention, ConventionNode, ConventionSignatory, Deliberation, Document,
    FinancingLine, Fund, FundContribution, GovernanceBody, HousingFacet, Indicator, InsertionFacet,
    Meeting, NodeLead, Observation, Operation, OperationAction, Organisation, Programme, RoleSet,
    Target, Territory, ValidationStatus,
};
use renouveau_store::imports::{
    FigureSource, OnExisting, Outcome, add_figure_source, set_figure_source, upsert_in,
};
use renouveau_store::{Entity, Tx};

use super::BundleReport;
use super::files::{self, DataFile, Place, list};
use super::territories::{self, TerritoryRefs};
use crate::error::{IngestError, Result};
use crate::keys::{BUNDLE_SOURCE, TERRITORY_SOURCE};

pub struct Loader<'a> {
    tx: &'a mut Tx,
    actor: &'a Actor,
    report: BundleReport,
    document: i64,
    programme: i64,
    territories: TerritoryRefs,
    ids: HashMap<(&'static str, String), i64>,
}

impl<'a> Loader<'a> {
    pub fn new(tx: &'a mut Tx, actor: &'a Actor) -> Self {
        Self {
            tx,
            actor,
            report: BundleReport::default(),
            document: 0,
            programme: 0,
            territories: TerritoryRefs::default(),
            ids: HashMap::new(),
        }
    }

    pub fn finish(self) -> BundleReport {
        self.report
    }

    pub async fn load_all(&mut self) -> Result<()> {
        self.programme_and_document().await?;
        self.organisations().await?;
        self.territories = territories::load(self).await?;
        self.nodes().await?;
        self.governance().await?;
        self.signatories().await?;
        self.funds().await?;
        self.indicators().await?;
        self.operations().await?;
        self.financing().await?;
        self.facets().await?;
        Ok(())
    }

    /// Creates the record kept under `key`, or finds it; counts which.
    async fn put<E: Entity>(&mut self, source: &str, key: &str, data: E) -> Result<(i64, bool)> {
        let (id, outcome) =
            upsert_in(self.tx, self.actor, source, key, data, OnExisting::Keep).await?;
        let created = outcome == Outcome::Created;
        let counter = if created {
            &mut self.report.created
        } else {
            &mut self.report.kept
        };
        *counter.entry(E::TABLE).or_default() += 1;
        self.ids.insert((E::TABLE, key.to_string()), id);
        Ok((id, created))
    }

    pub async fn put_territory(&mut self, data: Territory) -> Result<i64> {
        let key = crate::keys::territory_key(data.level.code(), &data.code);
        Ok(self.put(TERRITORY_SOURCE, &key, data).await?.0)
    }

    /// The id of a record loaded earlier under `key`, or an error naming the row that refers
    /// to it.
    fn id_of(&self, table: &'static str, key: &str, file: DataFile, line: usize) -> Result<i64> {
        self.ids
            .get(&(table, key.to_string()))
            .copied()
            .ok_or_else(|| IngestError::data(file.name, line, format!("unknown {table} `{key}`")))
    }

    fn optional_id(
        &self,
        table: &'static str,
        key: &Option<String>,
        file: DataFile,
        line: usize,
    ) -> Result<Option<i64>> {
        key.as_deref()
            .map(|k| self.id_of(table, k, file, line))
            .transpose()
    }

    /// Records where the source document states the given figures of a new record (or, with no
    /// figure, the record as a whole).
    async fn cite(
        &mut self,
        table: &str,
        id: i64,
        fields: &[(&str, bool)],
        place: Option<Place>,
    ) -> Result<()> {
        let Some(place) = place else { return Ok(()) };
        let stated: Vec<Option<String>> = fields
            .iter()
            .filter(|(_, present)| *present)
            .map(|(f, _)| Some(f.to_string()))
            .collect();
        let targets = if stated.is_empty() {
            vec![None]
        } else {
            stated
        };
        for field in targets {
            set_figure_source(
                self.tx,
                &FigureSource {
                    entity: table.to_string(),
                    record_id: id,
                    field,
                    document_id: self.document,
                    start: place.start,
                    end: place.end,
                },
            )
            .await?;
            self.report.figure_sources += 1;
        }
        Ok(())
    }

    /// Records one more passage stating a field, beside the one [`Self::cite`] recorded.
    async fn also_cite(
        &mut self,
        table: &str,
        id: i64,
        field: &str,
        place: Option<Place>,
    ) -> Result<()> {
        let Some(place) = place else { return Ok(()) };
        add_figure_source(
            self.tx,
            &FigureSource {
                entity: table.to_string(),
                record_id: id,
                field: Some(field.to_string()),
                document_id: self.document,
                start: place.start,
                end: place.end,
            },
        )
        .await?;
        self.report.figure_sources += 1;
        Ok(())
    }

    async fn programme_and_document(&mut self) -> Result<()> {
        let file = files::programme()?;
        let source = &file.source_document;
        let document = Document {
            title: source.title.clone(),
            kind: source.kind,
            file_name: source.file_name.clone(),
            media_type: source.media_type.clone(),
            sha256: source.sha256.clone(),
            size_bytes: source.size_bytes,
            published_on: source.published_on,
            text: None,
        };
        self.document = self.put(BUNDLE_SOURCE, &source.sha256, document).await?.0;
        let programme = Programme {
            code: file.code.clone(),
            name: file.name.clone(),
            description: file
                .description
                .as_deref()
                .map(|d| d.trim().replace('\n', " ")),
            start_on: file.start_on,
            end_on: file.end_on,
        };
        self.programme = self.put(BUNDLE_SOURCE, &file.code, programme).await?.0;
        for entry in file.conventions {
            let convention = Convention {
                programme_id: self.programme,
                code: entry.code.clone(),
                title: entry.title,
                kind: entry.kind,
                amends_id: None,
                version_number: entry.version_number,
                signed_on: entry.signed_on,
                start_on: entry.start_on,
                end_on: entry.end_on,
            };
            self.put(BUNDLE_SOURCE, &entry.code, convention).await?;
        }
        Ok(())
    }

    async fn organisations(&mut self) -> Result<()> {
        let file = files::ORGANISATIONS;
        for (line, row) in files::rows::<files::OrganisationRow>(file)? {
            let siren = row
                .siren
                .map(|s| s.parse())
                .transpose()
                .map_err(|e: renouveau_domain::FieldError| data_error(file, line, e))?;
            let roles = RoleSet::try_from(row.roles).map_err(|e| data_error(file, line, e))?;
            let organisation = Organisation {
                name: row.name,
                short_name: row.short_name,
                kind: row.kind,
                siren,
                siret: None,
                roles,
            };
            self.put(BUNDLE_SOURCE, &row.key, organisation)
                .await
                .map_err(|e| at(file, line, e))?;
        }
        Ok(())
    }

    async fn nodes(&mut self) -> Result<()> {
        let file = files::NODES;
        let mut positions: HashMap<(String, Option<String>), i64> = HashMap::new();
        for (line, row) in files::rows::<files::NodeRow>(file)? {
            let convention_id = self.id_of("convention", &row.convention, file, line)?;
            let parent_key = row.parent.as_ref().map(|p| node_key(&row.convention, p));
            let parent_id = self.optional_id("convention_node", &parent_key, file, line)?;
            let position = positions
                .entry((row.convention.clone(), row.parent.clone()))
                .or_default();
            *position += 1;
            let node = ConventionNode {
                convention_id,
                parent_id,
                kind: row.kind,
                code: row.code.clone(),
                title: row.title,
                description: row.description,
                position: *position,
            };
            let key = node_key(&row.convention, &row.code);
            let (node_id, _) = self
                .put(BUNDLE_SOURCE, &key, node)
                .await
                .map_err(|e| at(file, line, e))?;
            for lead in list(&row.leads) {
                let organisation_id = self.id_of("organisation", lead, file, line)?;
                let lead_key = format!("{key}/{lead}");
                self.put(
                    BUNDLE_SOURCE,
                    &lead_key,
                    NodeLead {
                        node_id,
                        organisation_id,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn governance(&mut self) -> Result<()> {
        let file = files::GOVERNANCE;
        for (line, row) in files::rows::<files::BodyRow>(file)? {
            let body = GovernanceBody {
                programme_id: Some(self.programme),
                organisation_id: self.optional_id("organisation", &row.organisation, file, line)?,
                kind: row.kind,
                name: row.name,
                meetings_per_year: row.meetings_per_year,
            };
            self.put(BUNDLE_SOURCE, &row.key, body)
                .await
                .map_err(|e| at(file, line, e))?;
        }
        let file = files::MEETINGS;
        for (line, row) in files::rows::<files::MeetingRow>(file)? {
            let meeting = Meeting {
                body_id: self.id_of("governance_body", &row.body, file, line)?,
                held_on: row.held_on,
                title: row.title,
                attendance: None,
                agenda: None,
            };
            let key = format!("{}/{}/{line}", row.body, row.held_on);
            let (id, created) = self
                .put(BUNDLE_SOURCE, &key, meeting)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                self.cite(
                    "meeting",
                    id,
                    &[],
                    Place::of(row.source_start, row.source_end),
                )
                .await?;
            }
        }
        let file = files::DELIBERATIONS;
        let published_on = files::programme()?.source_document.published_on;
        for (line, row) in files::rows::<files::DeliberationRow>(file)? {
            let deliberation = Deliberation {
                body_id: self.id_of("governance_body", &row.body, file, line)?,
                number: row.number.clone(),
                decided_on: row.decided_on,
                title: row.title,
                report_number: row.report_number,
                committee_opinion: row.committee_opinion,
                members_present: row.members_present,
                members_excused: row.members_excused,
                proxies: row.proxies,
                votes_for: row.votes_for,
                votes_against: row.votes_against,
                abstentions: row.abstentions,
                adopted: row.adopted,
                convention_id: self.optional_id("convention", &row.convention, file, line)?,
                // The source document is this deliberation; the others are only cited in it.
                document_id: (Some(row.decided_on) == published_on).then_some(self.document),
                president: row.president.clone(),
                secretary: row.secretary.clone(),
                place: row.place.clone(),
            };
            let (id, created) = self
                .put(BUNDLE_SOURCE, &row.number, deliberation)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let votes = row.votes_for + row.votes_against + row.abstentions > 0;
                self.cite(
                    "deliberation",
                    id,
                    &[("votes_for", votes)],
                    Place::of(row.source_start, row.source_end),
                )
                .await?;
                let sitting = [
                    (
                        "president",
                        Place::of(row.president_start, row.president_end),
                    ),
                    (
                        "secretary",
                        Place::of(row.secretary_start, row.secretary_end),
                    ),
                    ("place", Place::of(row.place_start, row.place_end)),
                ];
                for (field, place) in sitting {
                    self.also_cite("deliberation", id, field, place).await?;
                }
            }
        }
        Ok(())
    }

    async fn signatories(&mut self) -> Result<()> {
        let file = files::SIGNATORIES;
        for (line, row) in files::rows::<files::SignatoryRow>(file)? {
            let convention_id = self.id_of("convention", &row.convention, file, line)?;
            let signatory = ConventionSignatory {
                convention_id,
                organisation_id: self.id_of("organisation", &row.organisation, file, line)?,
                representative: row.representative,
                representative_title: row.representative_title,
                deliberation_id: self.optional_id("deliberation", &row.deliberation, file, line)?,
                signed_on: None,
            };
            let key = format!("{}/{}", row.convention, row.organisation);
            self.put(BUNDLE_SOURCE, &key, signatory)
                .await
                .map_err(|e| at(file, line, e))?;
        }
        Ok(())
    }

    async fn funds(&mut self) -> Result<()> {
        let file = files::FUNDS;
        for (line, row) in files::rows::<files::FundRow>(file)? {
            let fund = Fund {
                programme_id: Some(self.programme),
                parent_id: self.optional_id("fund", &row.parent, file, line)?,
                code: row.code.clone(),
                name: row.name,
                description: row.description,
                amount: row
                    .amount
                    .as_deref()
                    .map(|a| euros(a, file, line))
                    .transpose()?,
                start_year: row.start_year,
                end_year: row.end_year,
            };
            let (id, created) = self
                .put(BUNDLE_SOURCE, &row.code, fund)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let place = Place::of(row.source_start, row.source_end);
                self.cite("fund", id, &[("amount", row.amount.is_some())], place)
                    .await?;
            }
        }
        let file = files::FUND_CONTRIBUTIONS;
        for (line, row) in files::rows::<files::ContributionRow>(file)? {
            let contribution = FundContribution {
                fund_id: self.id_of("fund", &row.fund, file, line)?,
                funder_id: self.id_of("organisation", &row.funder, file, line)?,
                amount: euros(&row.amount, file, line)?,
            };
            let key = format!("{}/{}", row.fund, row.funder);
            let (id, created) = self
                .put(BUNDLE_SOURCE, &key, contribution)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let place = Place::of(row.source_start, row.source_end);
                self.cite("fund_contribution", id, &[("amount", true)], place)
                    .await?;
            }
        }
        Ok(())
    }

    async fn indicators(&mut self) -> Result<()> {
        let file = files::INDICATORS;
        for (line, row) in files::rows::<files::IndicatorRow>(file)? {
            let indicator = Indicator {
                programme_id: Some(self.programme),
                code: row.code.clone(),
                name: row.name,
                unit: row.unit,
                direction: row.direction,
                aggregation: row.aggregation,
                cumulative: row.cumulative,
                description: row.description,
            };
            self.put(BUNDLE_SOURCE, &row.code, indicator)
                .await
                .map_err(|e| at(file, line, e))?;
        }
        let file = files::TARGETS;
        for (line, row) in files::rows::<files::TargetRow>(file)? {
            let place = Place::of(row.source_start, row.source_end);
            let target = Target {
                indicator_id: self.id_of("indicator", &row.indicator, file, line)?,
                convention_id: self.optional_id("convention", &row.convention, file, line)?,
                territory_id: self.territories.resolve(&row.territory, file.name, line)?,
                value: row.value,
                due_on: row.due_on,
                document_id: place.map(|_| self.document),
                source_start: row.source_start,
                source_end: row.source_end,
            };
            let key = format!("{}/{}/{line}", row.indicator, row.due_on);
            let (id, created) = self
                .put(BUNDLE_SOURCE, &key, target)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                self.cite("target", id, &[("value", true)], place).await?;
            }
        }
        let file = files::OBSERVATIONS;
        for (line, row) in files::rows::<files::ObservationRow>(file)? {
            let place = Place::of(row.source_start, row.source_end);
            let observation = Observation {
                validation_note: None,
                indicator_id: self.id_of("indicator", &row.indicator, file, line)?,
                territory_id: self.territories.resolve(&row.territory, file.name, line)?,
                value: row.value,
                observed_on: row.observed_on,
                period_start: row.period_start,
                // Figures of a council deliberation and its annexes, published by the partners.
                status: ValidationStatus::Validated,
                document_id: place.map(|_| self.document),
                source_start: row.source_start,
                source_end: row.source_end,
                note: row.note,
            };
            let key = format!("{}/{}/{line}", row.indicator, row.observed_on);
            let (id, created) = self
                .put(BUNDLE_SOURCE, &key, observation)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                self.cite("observation", id, &[("value", true)], place)
                    .await?;
                let also = Place::of(row.also_start, row.also_end);
                self.also_cite("observation", id, "value", also).await?;
            }
        }
        Ok(())
    }

    async fn operations(&mut self) -> Result<()> {
        let file = files::OPERATIONS;
        for (line, row) in files::rows::<files::OperationRow>(file)? {
            let operation = Operation {
                validation: ValidationStatus::Validated,
                validation_note: None,
                programme_id: self.programme,
                title: row.title,
                description: row.description,
                kind: row.kind,
                owner_id: self.optional_id("organisation", &row.owner, file, line)?,
                territory_id: self.territories.resolve(&row.territory, file.name, line)?,
                status: row.status,
                cost_ht: row
                    .cost_ht
                    .as_deref()
                    .map(|a| euros(a, file, line))
                    .transpose()?,
                cost_ttc: row
                    .cost_ttc
                    .as_deref()
                    .map(|a| euros(a, file, line))
                    .transpose()?,
                start_on: row.start_on,
                end_on: row.end_on,
            };
            let (operation_id, created) = self
                .put(BUNDLE_SOURCE, &row.key, operation)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let fields = [
                    ("cost_ht", row.cost_ht.is_some()),
                    ("cost_ttc", row.cost_ttc.is_some()),
                ];
                let place = Place::of(row.source_start, row.source_end);
                self.cite("operation", operation_id, &fields, place).await?;
            }
            for action in list(&row.actions) {
                let node = match action.split_once(':') {
                    Some((convention, code)) => node_key(convention, code),
                    None => node_key("erbm-2025-2027", action),
                };
                let node_id = self.id_of("convention_node", &node, file, line)?;
                let key = format!("{}/{node}", row.key);
                self.put(
                    BUNDLE_SOURCE,
                    &key,
                    OperationAction {
                        operation_id,
                        node_id,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn financing(&mut self) -> Result<()> {
        let file = files::FINANCING;
        for (line, row) in files::rows::<files::FinancingRow>(file)? {
            let amount = |v: &Option<String>| euros(v.as_deref().unwrap_or("0"), file, line);
            let financing = FinancingLine {
                validation: ValidationStatus::Validated,
                validation_note: None,
                operation_id: self.id_of("operation", &row.operation, file, line)?,
                funder_id: self.id_of("organisation", &row.funder, file, line)?,
                fund_id: self.optional_id("fund", &row.fund, file, line)?,
                scheme: row.scheme,
                year: row.year,
                state: row.state,
                requested: amount(&row.requested)?,
                granted: amount(&row.granted)?,
                committed: amount(&row.committed)?,
                paid: amount(&row.paid)?,
                decision_ref: row.decision_ref,
                decision_on: None,
            };
            let key = format!("{}/{}/{line}", row.operation, row.funder);
            let (id, created) = self
                .put(BUNDLE_SOURCE, &key, financing)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let fields = [
                    ("requested", row.requested.is_some()),
                    ("granted", row.granted.is_some()),
                    ("committed", row.committed.is_some()),
                    ("paid", row.paid.is_some()),
                ];
                let place = Place::of(row.source_start, row.source_end);
                self.cite("financing_line", id, &fields, place).await?;
            }
        }
        Ok(())
    }

    async fn facets(&mut self) -> Result<()> {
        let file = files::HOUSING;
        for (line, row) in files::rows::<files::HousingRow>(file)? {
            let facet = HousingFacet {
                validation: ValidationStatus::Validated,
                validation_note: None,
                operation_id: self.id_of("operation", &row.operation, file, line)?,
                dwellings: row.dwellings,
                landlord_id: self.optional_id("organisation", &row.landlord, file, line)?,
                energy_before: row.energy_before,
                energy_after: row.energy_after,
                biosourced: row.biosourced.unwrap_or(false),
            };
            let (id, created) = self
                .put(BUNDLE_SOURCE, &row.operation, facet)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let fields = [
                    ("dwellings", true),
                    ("energy_before", row.energy_before.is_some()),
                    ("energy_after", row.energy_after.is_some()),
                ];
                let place = Place::of(row.source_start, row.source_end);
                self.cite("housing_facet", id, &fields, place).await?;
            }
        }
        let file = files::INSERTION;
        for (line, row) in files::rows::<files::InsertionRow>(file)? {
            let facet = InsertionFacet {
                validation: ValidationStatus::Validated,
                validation_note: None,
                operation_id: self.id_of("operation", &row.operation, file, line)?,
                hours_required: row.hours_required.unwrap_or(0),
                hours_done: row.hours_done.unwrap_or(0),
                people: row.people.unwrap_or(0),
                people_rsa: row.people_rsa.unwrap_or(0),
                people_under_26: row.people_under_26.unwrap_or(0),
                people_long_term_unemployed: row.people_long_term_unemployed.unwrap_or(0),
                people_women: row.people_women.unwrap_or(0),
            };
            let (id, created) = self
                .put(BUNDLE_SOURCE, &row.operation, facet)
                .await
                .map_err(|e| at(file, line, e))?;
            if created {
                let fields = [
                    ("hours_required", row.hours_required.is_some()),
                    ("hours_done", row.hours_done.is_some()),
                    ("people", row.people.is_some()),
                    ("people_rsa", row.people_rsa.is_some()),
                    ("people_under_26", row.people_under_26.is_some()),
                    (
                        "people_long_term_unemployed",
                        row.people_long_term_unemployed.is_some(),
                    ),
                    ("people_women", row.people_women.is_some()),
                ];
                let place = Place::of(row.source_start, row.source_end);
                self.cite("insertion_facet", id, &fields, place).await?;
            }
        }
        Ok(())
    }
}

fn node_key(convention: &str, code: &str) -> String {
    format!("{convention}:{code}")
}

/// A money cell of a file, or an error naming the file and line.
fn euros(cell: &str, file: DataFile, line: usize) -> Result<Amount> {
    files::money_cell(cell)
        .map_err(|e| IngestError::data(file.name, line, format!("invalid amount `{cell}`: {e}")))
}

fn data_error(file: DataFile, line: usize, error: renouveau_domain::FieldError) -> IngestError {
    IngestError::data(file.name, line, error.to_string())
}

/// A store error while writing a row: named by file and line.
fn at(file: DataFile, line: usize, error: IngestError) -> IngestError {
    match error {
        IngestError::Store(e) => IngestError::data(file.name, line, e.to_string()),
        other => other,
    }
}
