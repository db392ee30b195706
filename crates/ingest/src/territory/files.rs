//! The open-data files of the territory (`data/territoire`, see its README.md), as serde reads
//! them, and their copy embedded in the binary.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::source::TerritorySource;
use crate::{IngestError, Result};

/// Names every file the import reads (relative to the folder) and embeds the repository's copy.
macro_rules! territory_files {
    ($($ident:ident => $file:literal),* $(,)?) => {
        $(pub const $ident: &str = $file;)*
        /// Every file the import reads, with the text of `data/territoire` at build time.
        pub const EMBEDDED: &[(&str, &str)] = &[
            $(($file, include_str!(concat!("../../../../data/territoire/", $file)))),*
        ];
    };
}

territory_files! {
    COMMUNES => "communes-59-62.json",
    EPCIS => "epci-bassin-minier.json",
    CONTOURS_59 => "communes-59-nord-2018.geojson",
    CONTOURS_62 => "communes-62-pas-de-calais-2018.geojson",
    CITES => "bassin-minier/cites-erbm.geojson",
    UNESCO_CITES => "bassin-minier/cites-minieres.geojson",
    PROPERTY => "bassin-minier/bien-inscrit.geojson",
    BUFFER => "bassin-minier/zone-tampon.geojson",
    BASIN => "bassin-minier/bassin-minier.geojson",
}

pub const CONTOURS: [&str; 2] = [CONTOURS_59, CONTOURS_62];

/// One entry of `communes-59-62.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommuneEntry {
    pub code: String,
    pub nom: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub departement: String,
    #[serde(default)]
    pub population: Option<i64>,
    #[serde(default)]
    pub epci: Option<String>,
    #[serde(default)]
    pub epci_bassin_minier: bool,
}

impl CommuneEntry {
    /// Delegated and associated communes are parts of another commune, not communes of their own.
    pub fn is_current(&self) -> bool {
        self.kind == "commune-actuelle"
    }
}

#[derive(Debug, Deserialize)]
pub struct EpciFile {
    pub epci: Vec<EpciEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpciEntry {
    pub siren: String,
    pub nom: String,
    pub departements: Vec<String>,
    #[serde(default)]
    pub population_municipale: Option<i64>,
    pub membres: Vec<EpciMember>,
}

#[derive(Debug, Deserialize)]
pub struct EpciMember {
    pub code: String,
}

#[derive(Debug, Deserialize)]
pub struct FeatureCollection<P> {
    pub features: Vec<Feature<P>>,
}

#[derive(Debug, Deserialize)]
pub struct Feature<P> {
    pub properties: P,
    pub geometry: Option<geojson::Geometry>,
}

/// Properties of the 2018 commune contours.
#[derive(Debug, Deserialize)]
pub struct ContourProps {
    pub code: String,
}

/// Properties of `cites-erbm.geojson`.
#[derive(Debug, Deserialize)]
pub struct CiteProps {
    pub id_lsm: i64,
    pub nom: String,
    pub commune_1: Option<String>,
    pub proprietaire: Option<String>,
}

/// Properties of `cites-minieres.geojson` that tell which ERBM cités are UNESCO elements
/// (`id_lsm` is written there as a float).
#[derive(Debug, Deserialize)]
pub struct UnescoCiteProps {
    pub id_lsm: Option<f64>,
    pub id_unesco: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct BasinProps {
    pub population: Option<i64>,
}

pub type AnyProps = IgnoredAny;

/// Reads and parses `name` (a path relative to the folder).
pub fn read<T: DeserializeOwned>(source: TerritorySource<'_>, name: &str) -> Result<T> {
    let text = source.text(name)?;
    serde_json::from_str(&text).map_err(|e| IngestError::data(name, e.line(), e.to_string()))
}
