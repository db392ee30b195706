//! The bundled programme's data files (`data/erbm`, embedded in the binary) and their rows.
//! Empty cells are `None`: "not stated in the document", never zero.

use chrono::NaiveDate;
use renouveau_domain::{
    Aggregation, Amount, BodyKind, ConventionKind, Direction, DocumentKind, FinancingState,
    NodeKind, OperationKind, OperationStatus, OrganisationKind,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{IngestError, Result};

/// One embedded file: its name (for error messages) and text.
#[derive(Debug, Clone, Copy)]
pub struct DataFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! data_files {
    ($($ident:ident => $file:literal),* $(,)?) => {
        $(pub const $ident: DataFile = DataFile {
            name: $file,
            text: include_str!(concat!("../../../../data/erbm/", $file)),
        };)*
        /// Every embedded file, for tests that walk them all.
        pub const ALL: &[DataFile] = &[$($ident),*];
    };
}

data_files! {
    PROGRAMME => "programme.toml",
    ORGANISATIONS => "organisations.csv",
    EPCIS => "epcis.csv",
    COMMUNES => "communes.csv",
    CITES => "cites.csv",
    NODES => "nodes.csv",
    SIGNATORIES => "signatories.csv",
    FUNDS => "funds.csv",
    FUND_CONTRIBUTIONS => "fund_contributions.csv",
    INDICATORS => "indicators.csv",
    TARGETS => "targets.csv",
    OBSERVATIONS => "observations.csv",
    OPERATIONS => "operations.csv",
    FINANCING => "financing.csv",
    HOUSING => "housing.csv",
    INSERTION => "insertion.csv",
    GOVERNANCE => "governance.csv",
    MEETINGS => "meetings.csv",
    DELIBERATIONS => "deliberations.csv",
}

/// Reads every row of a CSV file; the error names the file and line.
pub fn rows<T: DeserializeOwned>(file: DataFile) -> Result<Vec<(usize, T)>> {
    let mut reader = csv::Reader::from_reader(file.text.as_bytes());
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| {
            // Line 1 is the header.
            let line = i + 2;
            row.map(|r| (line, r))
                .map_err(|e| IngestError::data(file.name, line, e.to_string()))
        })
        .collect()
}

pub fn programme() -> Result<ProgrammeFile> {
    toml::from_str(PROGRAMME.text).map_err(|e| {
        let line = e
            .span()
            .map(|s| PROGRAMME.text[..s.start].lines().count())
            .unwrap_or(0);
        IngestError::data(PROGRAMME.name, line, e.message().to_string())
    })
}

#[derive(Debug, Deserialize)]
pub struct ProgrammeFile {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub conventions: Vec<ConventionEntry>,
    pub source_document: SourceDocument,
}

#[derive(Debug, Deserialize)]
pub struct ConventionEntry {
    pub code: String,
    pub title: String,
    pub kind: ConventionKind,
    pub version_number: i64,
    pub signed_on: Option<NaiveDate>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

#[derive(Debug, Deserialize)]
pub struct SourceDocument {
    pub title: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub published_on: Option<NaiveDate>,
}

/// Where in the source document a row's figures are stated: characters `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub start: i64,
    pub end: i64,
}

impl Place {
    pub fn of(start: Option<i64>, end: Option<i64>) -> Option<Self> {
        Some(Self {
            start: start?,
            end: end?,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct OrganisationRow {
    pub key: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub siren: Option<String>,
    pub roles: String,
}

#[derive(Debug, Deserialize)]
pub struct EpciRow {
    pub siren: String,
    pub name: String,
    pub departements: String,
    pub population: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct CommuneRow {
    pub insee: String,
    pub name: String,
    pub epci_siren: String,
    pub population: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct CiteRow {
    pub name: String,
    pub commune: String,
    pub id_lsm: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NodeRow {
    pub convention: String,
    pub code: String,
    pub parent: Option<String>,
    pub kind: NodeKind,
    pub title: String,
    pub description: Option<String>,
    pub leads: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignatoryRow {
    pub convention: String,
    pub organisation: String,
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub deliberation: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FundRow {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub amount: Option<String>,
    pub parent: Option<String>,
    pub start_year: Option<i64>,
    pub end_year: Option<i64>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct ContributionRow {
    pub fund: String,
    pub funder: String,
    pub amount: String,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub aggregation: Aggregation,
    pub cumulative: bool,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TargetRow {
    pub indicator: String,
    pub value: f64,
    pub due_on: NaiveDate,
    pub convention: Option<String>,
    pub territory: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct ObservationRow {
    pub indicator: String,
    pub value: f64,
    pub observed_on: NaiveDate,
    pub period_start: Option<NaiveDate>,
    pub territory: Option<String>,
    pub note: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
    /// A second passage quoting the same figure (report n°9 repeating the review).
    pub also_start: Option<i64>,
    pub also_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct OperationRow {
    pub key: String,
    pub title: String,
    pub kind: OperationKind,
    pub owner: Option<String>,
    pub territory: Option<String>,
    pub status: OperationStatus,
    pub cost_ht: Option<String>,
    pub cost_ttc: Option<String>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    pub actions: Option<String>,
    pub description: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct FinancingRow {
    pub operation: String,
    pub funder: String,
    pub fund: Option<String>,
    pub scheme: Option<String>,
    pub year: Option<i64>,
    pub state: FinancingState,
    pub requested: Option<String>,
    pub granted: Option<String>,
    pub committed: Option<String>,
    pub paid: Option<String>,
    pub decision_ref: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct HousingRow {
    pub operation: String,
    pub dwellings: i64,
    pub landlord: Option<String>,
    pub energy_before: Option<f64>,
    pub energy_after: Option<f64>,
    pub biosourced: Option<bool>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct InsertionRow {
    pub operation: String,
    pub hours_required: Option<i64>,
    pub hours_done: Option<i64>,
    pub people: Option<i64>,
    pub people_rsa: Option<i64>,
    pub people_under_26: Option<i64>,
    pub people_long_term_unemployed: Option<i64>,
    pub people_women: Option<i64>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct BodyRow {
    pub key: String,
    pub kind: BodyKind,
    pub name: String,
    pub organisation: Option<String>,
    pub meetings_per_year: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct MeetingRow {
    pub body: String,
    pub held_on: NaiveDate,
    pub title: String,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct DeliberationRow {
    pub number: String,
    pub body: String,
    pub decided_on: NaiveDate,
    pub title: String,
    pub report_number: Option<String>,
    pub committee_opinion: Option<String>,
    pub members_present: i64,
    pub members_excused: i64,
    pub proxies: i64,
    pub votes_for: i64,
    pub votes_against: i64,
    pub abstentions: i64,
    pub adopted: bool,
    pub convention: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
    pub president: Option<String>,
    pub president_start: Option<i64>,
    pub president_end: Option<i64>,
    pub secretary: Option<String>,
    pub secretary_start: Option<i64>,
    pub secretary_end: Option<i64>,
    pub place: Option<String>,
    pub place_start: Option<i64>,
    pub place_end: Option<i64>,
}

/// A money cell: euros as the files write them (`3450000`, `1660000.5`), read by `Amount`'s own
/// parser so that no float ever carries them; an exponent or a third decimal is refused.
pub fn money_cell(cell: &str) -> std::result::Result<Amount, renouveau_domain::FieldError> {
    cell.parse()
}

/// Space-separated list cell.
pub fn list(cell: &Option<String>) -> Vec<&str> {
    cell.as_deref()
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default()
}
