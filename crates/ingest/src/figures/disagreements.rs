//! Figures of one indicator and territory that cannot all be true: two values for the same
//! period, a running total that falls, or a running total whose pace jumps between intervals.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use renouveau_store::Db;
use renouveau_store::db::{ColumnKind, SqlValue};

use crate::error::Result;

/// A pace more than this many times the previous interval's (or less than its inverse) is
/// reported: a running total rarely changes speed that much without a change of scope.
const PACE_BREAK_RATIO: f64 = 2.0;

#[derive(Debug, Clone, PartialEq)]
pub enum DisagreementKind {
    /// Different values for exactly the same period.
    SamePeriod,
    /// A running total lower than an earlier one of the same series.
    RunningTotalFalls,
    /// The yearly pace implied by two consecutive intervals differs by `ratio`.
    PaceBreak { ratio: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObservedValue {
    pub observation_id: i64,
    pub period_start: Option<NaiveDate>,
    pub observed_on: NaiveDate,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub indicator_id: i64,
    pub indicator: String,
    pub territory_id: Option<i64>,
    pub kind: DisagreementKind,
    pub values: Vec<ObservedValue>,
}

impl Disagreement {
    /// One line in French for the command line and the pages.
    pub fn describe_fr(&self) -> String {
        let values: Vec<String> = self
            .values
            .iter()
            .map(|v| {
                format!(
                    "{} au {} (observation n°{})",
                    french(v.value),
                    v.observed_on.format("%d/%m/%Y"),
                    v.observation_id
                )
            })
            .collect();
        let what = match &self.kind {
            DisagreementKind::SamePeriod => "valeurs différentes pour la même période".to_string(),
            DisagreementKind::RunningTotalFalls => "cumul qui diminue".to_string(),
            DisagreementKind::PaceBreak { ratio } => {
                let ratio = format!("{ratio:.1}").replace('.', ",");
                format!("rythme multiplié par {ratio} d'un intervalle au suivant")
            }
        };
        format!("{} : {what} : {}", self.indicator, values.join(" ; "))
    }
}

/// "15 500", "2,6": whole numbers grouped by thousands, others with a decimal comma.
fn french(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        return renouveau_domain::money::group_thousands(value as i64);
    }
    value.to_string().replace('.', ",")
}

struct Row {
    indicator_id: i64,
    indicator: String,
    cumulative: bool,
    increasing: bool,
    territory_id: Option<i64>,
    value: ObservedValue,
}

pub async fn disagreements(db: &Db) -> Result<Vec<Disagreement>> {
    let rows = observations(db).await?;
    let mut series: BTreeMap<(i64, Option<i64>), Vec<Row>> = BTreeMap::new();
    for row in rows {
        series
            .entry((row.indicator_id, row.territory_id))
            .or_default()
            .push(row);
    }
    let mut found = Vec::new();
    for rows in series.values() {
        same_period(rows, &mut found);
        if rows[0].cumulative && rows[0].increasing {
            running_totals(rows, &mut found);
        }
    }
    Ok(found)
}

fn disagreement(first: &Row, kind: DisagreementKind, values: Vec<ObservedValue>) -> Disagreement {
    Disagreement {
        indicator_id: first.indicator_id,
        indicator: first.indicator.clone(),
        territory_id: first.territory_id,
        kind,
        values,
    }
}

fn same_period(rows: &[Row], found: &mut Vec<Disagreement>) {
    let mut periods: BTreeMap<(Option<NaiveDate>, NaiveDate), Vec<&Row>> = BTreeMap::new();
    for row in rows {
        periods
            .entry((row.value.period_start, row.value.observed_on))
            .or_default()
            .push(row);
    }
    for group in periods.values() {
        let differs = group.iter().any(|r| r.value.value != group[0].value.value);
        if differs {
            let values = group.iter().map(|r| r.value.clone()).collect();
            found.push(disagreement(group[0], DisagreementKind::SamePeriod, values));
        }
    }
}

/// Running totals from the same start: one value per date (the largest), in date order.
fn running_totals(rows: &[Row], found: &mut Vec<Disagreement>) {
    let mut by_start: BTreeMap<Option<NaiveDate>, BTreeMap<NaiveDate, &Row>> = BTreeMap::new();
    for row in rows {
        let dates = by_start.entry(row.value.period_start).or_default();
        let keep = dates
            .get(&row.value.observed_on)
            .is_none_or(|r| r.value.value < row.value.value);
        if keep {
            dates.insert(row.value.observed_on, row);
        }
    }
    for dates in by_start.values() {
        let points: Vec<&Row> = dates.values().copied().collect();
        for pair in points.windows(2) {
            if pair[1].value.value < pair[0].value.value {
                let values = vec![pair[0].value.clone(), pair[1].value.clone()];
                found.push(disagreement(
                    pair[0],
                    DisagreementKind::RunningTotalFalls,
                    values,
                ));
            }
        }
        // The first interval runs from the series' start when it is known.
        let mut paces: Vec<(f64, &Row, &Row)> = Vec::new();
        for pair in points.windows(2) {
            if let Some(pace) = yearly_pace(&pair[0].value, &pair[1].value) {
                paces.push((pace, pair[0], pair[1]));
            }
        }
        for window in paces.windows(2) {
            let (before, after) = (window[0].0, window[1].0);
            if before <= 0.0 || after <= 0.0 {
                continue;
            }
            let ratio = after / before;
            if !(1.0 / PACE_BREAK_RATIO..=PACE_BREAK_RATIO).contains(&ratio) {
                let values = vec![
                    window[0].1.value.clone(),
                    window[0].2.value.clone(),
                    window[1].2.value.clone(),
                ];
                found.push(disagreement(
                    window[0].1,
                    DisagreementKind::PaceBreak { ratio },
                    values,
                ));
            }
        }
    }
}

fn yearly_pace(from: &ObservedValue, to: &ObservedValue) -> Option<f64> {
    let days = (to.observed_on - from.observed_on).num_days();
    (days > 0).then(|| (to.value - from.value) * 365.25 / days as f64)
}

async fn observations(db: &Db) -> Result<Vec<Row>> {
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            "SELECT o.indicator_id, i.name, i.cumulative, i.direction, o.territory_id, o.id, \
               o.period_start, o.observed_on, o.value \
             FROM observation o JOIN indicator i ON i.id = o.indicator_id \
             WHERE o.archived_at IS NULL AND i.archived_at IS NULL \
             ORDER BY o.indicator_id, o.observed_on, o.id",
            &[],
            &[
                ColumnKind::Int,
                ColumnKind::Text,
                ColumnKind::Bool,
                ColumnKind::Text,
                ColumnKind::Int,
                ColumnKind::Int,
                ColumnKind::Date,
                ColumnKind::Date,
                ColumnKind::Float,
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let int = |i: usize| r.get(i).and_then(SqlValue::as_i64);
            let date = |i: usize| match r.get(i) {
                Some(SqlValue::Date(d)) => Some(*d),
                _ => None,
            };
            Some(Row {
                indicator_id: int(0)?,
                indicator: r.get(1)?.as_str()?.to_string(),
                cumulative: matches!(r.get(2), Some(SqlValue::Bool(true))),
                increasing: r.get(3)?.as_str()? == "increase",
                territory_id: int(4),
                value: ObservedValue {
                    observation_id: int(5)?,
                    period_start: date(6),
                    observed_on: date(7)?,
                    value: match r.get(8)? {
                        SqlValue::Float(v) => *v,
                        _ => return None,
                    },
                },
            })
        })
        .collect())
}
