//! Each domain record's table. Keep in step with `migrations/`: a test checks that every
//! entity's columns are exactly those of its table on both backends.

use renouveau_domain::*;

use crate::db::ColumnKind::{Bool, Date, Float, Int, Text};
use crate::entity::OwnerPath::{self, Parent};
use crate::entity::{Column, Entity, NamedParty};

macro_rules! entity {
    (
        $ty:ty => $table:literal {
            columns: [$($col:ident: $kind:ident),* $(,)?],
            references: [$($ref_col:ident => $ref_table:literal),* $(,)?],
            unique: [$([$($ucol:ident),+]),* $(,)?],
            $(look_alike: [$($lcol:ident),* $(,)?],)?
            search: [$($scol:ident),* $(,)?],
            owners: [$($owner:expr),* $(,)?]
            $(, named_party: $party:expr)?
            $(, money: [$($mcol:ident),* $(,)?])?
            $(, codes: [$($ccol:ident => $cty:ty),* $(,)?])?
            $(, reviewed: $reviewed:ident)? $(,)?
        }
    ) => {
        impl Entity for $ty {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [Column] =
                &[$(Column { name: stringify!($col), kind: $kind }),*];
            const REFERENCES: &'static [(&'static str, &'static str)] =
                &[$((stringify!($ref_col), $ref_table)),*];
            const UNIQUE: &'static [&'static [&'static str]] = &[$(&[$(stringify!($ucol)),+]),*];
            const SEARCH: &'static [&'static str] = &[$(stringify!($scol)),*];
            $(const LOOK_ALIKE: &'static [&'static str] = &[$(stringify!($lcol)),*];)?
            const OWNERS: &'static [OwnerPath] = &[$($owner),*];
            $(const NAMED_PARTY: Option<NamedParty> = Some($party);)?
            $(const MONEY: &'static [&'static str] = &[$(stringify!($mcol)),*];)?
            $(const CODES: &'static [(&'static str, &'static [&'static str])] =
                &[$((stringify!($ccol), <$cty>::CODES)),*];)?
            $(reviewed_entity!($reviewed, $table);)?
        }
    };
}

/// Records partners declare and the programme team reviews: they expose their state.
macro_rules! reviewed_entity {
    ($status:ident, $table:literal) => {
        const REVIEW_STATUS: Option<&'static str> = Some(stringify!($status));
        const PUBLISHED_TABLE: Option<&'static str> = Some(concat!($table, "_published"));
        fn reviewed(&self) -> Option<&dyn Reviewed> {
            Some(self)
        }
        fn reviewed_mut(&mut self) -> Option<&mut dyn Reviewed> {
            Some(self)
        }
    };
}

const fn owned_by(column: &'static str) -> OwnerPath {
    OwnerPath::Column(column)
}

/// Owned through the operation the record belongs to.
const OPERATION_OWNER: OwnerPath = Parent {
    column: "operation_id",
    table: "operation",
    owner_column: "owner_id",
};

entity!(Programme => "programme" {
    columns: [code: Text, name: Text, description: Text, start_on: Date, end_on: Date],
    references: [],
    unique: [[code]],
    search: [code, name],
    owners: [],
});

entity!(Organisation => "organisation" {
    columns: [name: Text, short_name: Text, kind: Text, siren: Text, siret: Text, roles: Text],
    references: [],
    unique: [[siren], [short_name]],
    look_alike: [name, short_name],
    search: [name, short_name, siren],
    // Every column is the organisation's identity: the programme team's to change.
    owners: [],
    codes: [kind => OrganisationKind],
});

entity!(Document => "document" {
    columns: [title: Text, kind: Text, file_name: Text, media_type: Text, sha256: Text,
        size_bytes: Int, published_on: Date, text: Text],
    references: [],
    unique: [[sha256]],
    search: [title, file_name],
    owners: [],
    codes: [kind => DocumentKind],
});

entity!(Territory => "territory" {
    columns: [level: Text, code: Text, name: Text, parent_id: Int, population: Int,
        landlord_id: Int, unesco: Bool, tranche: Text],
    references: [parent_id => "territory", landlord_id => "organisation"],
    unique: [[level, code]],
    search: [name, code],
    owners: [],
    codes: [level => TerritoryLevel],
});

entity!(Convention => "convention" {
    columns: [programme_id: Int, code: Text, title: Text, kind: Text, amends_id: Int,
        version_number: Int, signed_on: Date, start_on: Date, end_on: Date],
    references: [programme_id => "programme", amends_id => "convention"],
    unique: [[code]],
    search: [code, title],
    owners: [],
    codes: [kind => ConventionKind],
});

entity!(ConventionNode => "convention_node" {
    columns: [convention_id: Int, parent_id: Int, kind: Text, code: Text, title: Text,
        description: Text, position: Int],
    references: [convention_id => "convention", parent_id => "convention_node"],
    unique: [[convention_id, code]],
    search: [code, title, description],
    owners: [],
    codes: [kind => NodeKind],
});

entity!(NodeLead => "node_lead" {
    columns: [node_id: Int, organisation_id: Int],
    references: [node_id => "convention_node", organisation_id => "organisation"],
    unique: [[node_id, organisation_id]],
    search: [],
    owners: [],
});

entity!(GovernanceBody => "governance_body" {
    columns: [programme_id: Int, organisation_id: Int, kind: Text, name: Text, meetings_per_year: Int],
    references: [programme_id => "programme", organisation_id => "organisation"],
    unique: [],
    search: [name],
    owners: [owned_by("organisation_id")],
    codes: [kind => BodyKind],
});

entity!(Deliberation => "deliberation" {
    columns: [body_id: Int, number: Text, decided_on: Date, title: Text, report_number: Text,
        committee_opinion: Text, members_present: Int, members_excused: Int, proxies: Int,
        votes_for: Int, votes_against: Int, abstentions: Int, adopted: Bool, convention_id: Int,
        document_id: Int, president: Text, secretary: Text, place: Text],
    references: [body_id => "governance_body", convention_id => "convention", document_id => "document"],
    unique: [[body_id, number]],
    search: [number, title],
    owners: [Parent { column: "body_id", table: "governance_body", owner_column: "organisation_id" }],
});

entity!(ConventionSignatory => "convention_signatory" {
    columns: [convention_id: Int, organisation_id: Int, representative: Text,
        representative_title: Text, deliberation_id: Int, signed_on: Date],
    references: [convention_id => "convention", organisation_id => "organisation",
        deliberation_id => "deliberation"],
    unique: [[convention_id, organisation_id]],
    search: [representative],
    owners: [],
});

entity!(Fund => "fund" {
    columns: [programme_id: Int, parent_id: Int, code: Text, name: Text, description: Text,
        amount: Int, start_year: Int, end_year: Int],
    references: [programme_id => "programme", parent_id => "fund"],
    unique: [[code]],
    search: [code, name, description],
    owners: [],
    money: [amount],
});

entity!(FundContribution => "fund_contribution" {
    columns: [fund_id: Int, funder_id: Int, amount: Int],
    references: [fund_id => "fund", funder_id => "organisation"],
    unique: [[fund_id, funder_id]],
    search: [],
    owners: [owned_by("funder_id")],
    money: [amount],
});

entity!(Operation => "operation" {
    columns: [programme_id: Int, title: Text, description: Text, kind: Text, owner_id: Int,
        territory_id: Int, status: Text, cost_ht: Int, cost_ttc: Int, start_on: Date, end_on: Date,
        validation: Text, validation_note: Text],
    references: [programme_id => "programme", owner_id => "organisation", territory_id => "territory"],
    unique: [],
    search: [title, description],
    owners: [owned_by("owner_id")],
    money: [cost_ht, cost_ttc],
    codes: [kind => OperationKind, status => OperationStatus, validation => ValidationStatus],
    reviewed: validation,
});

entity!(OperationAction => "operation_action" {
    columns: [operation_id: Int, node_id: Int],
    references: [operation_id => "operation", node_id => "convention_node"],
    unique: [[operation_id, node_id]],
    search: [],
    owners: [OPERATION_OWNER],
});

entity!(Milestone => "milestone" {
    columns: [operation_id: Int, label: Text, planned_on: Date, done_on: Date],
    references: [operation_id => "operation"],
    unique: [],
    search: [label],
    owners: [OPERATION_OWNER],
});

entity!(FinancingLine => "financing_line" {
    columns: [operation_id: Int, funder_id: Int, fund_id: Int, scheme: Text, year: Int, state: Text,
        requested: Int, granted: Int, committed: Int, paid: Int, decision_ref: Text, decision_on: Date,
        validation: Text, validation_note: Text],
    references: [operation_id => "operation", funder_id => "organisation", fund_id => "fund"],
    unique: [],
    search: [scheme, decision_ref],
    owners: [OPERATION_OWNER],
    named_party: NamedParty { column: "funder_id", kept: &["operation_id", "funder_id"] },
    money: [requested, granted, committed, paid],
    codes: [state => FinancingState, validation => ValidationStatus],
    reviewed: validation,
});

entity!(HousingFacet => "housing_facet" {
    columns: [operation_id: Int, dwellings: Int, landlord_id: Int, energy_before: Float,
        energy_after: Float, biosourced: Bool, validation: Text, validation_note: Text],
    references: [operation_id => "operation", landlord_id => "organisation"],
    unique: [[operation_id]],
    search: [],
    owners: [OPERATION_OWNER],
    codes: [validation => ValidationStatus],
    reviewed: validation,
});

entity!(InsertionFacet => "insertion_facet" {
    columns: [operation_id: Int, hours_required: Int, hours_done: Int, people: Int, people_rsa: Int,
        people_under_26: Int, people_long_term_unemployed: Int, people_women: Int,
        validation: Text, validation_note: Text],
    references: [operation_id => "operation"],
    unique: [[operation_id]],
    search: [],
    owners: [OPERATION_OWNER],
    codes: [validation => ValidationStatus],
    reviewed: validation,
});

entity!(Indicator => "indicator" {
    columns: [programme_id: Int, code: Text, name: Text, unit: Text, direction: Text,
        aggregation: Text, cumulative: Bool, description: Text],
    references: [programme_id => "programme"],
    unique: [[code]],
    search: [code, name, description],
    owners: [],
    codes: [direction => Direction, aggregation => Aggregation],
});

entity!(Target => "target" {
    columns: [indicator_id: Int, convention_id: Int, territory_id: Int, value: Float, due_on: Date,
        document_id: Int, source_start: Int, source_end: Int],
    references: [indicator_id => "indicator", convention_id => "convention",
        territory_id => "territory", document_id => "document"],
    unique: [],
    search: [],
    owners: [],
});

entity!(Observation => "observation" {
    columns: [indicator_id: Int, territory_id: Int, value: Float, observed_on: Date,
        period_start: Date, status: Text, document_id: Int, source_start: Int, source_end: Int,
        note: Text, validation_note: Text],
    references: [indicator_id => "indicator", territory_id => "territory", document_id => "document"],
    unique: [],
    search: [note],
    owners: [],
    codes: [status => ValidationStatus],
    reviewed: status,
});

entity!(Meeting => "meeting" {
    columns: [body_id: Int, held_on: Date, title: Text, attendance: Text, agenda: Text],
    references: [body_id => "governance_body"],
    unique: [],
    search: [title, agenda],
    owners: [Parent { column: "body_id", table: "governance_body", owner_column: "organisation_id" }],
});

entity!(Decision => "decision" {
    columns: [meeting_id: Int, decided_on: Date, title: Text, text: Text],
    references: [meeting_id => "meeting"],
    unique: [],
    search: [title, text],
    owners: [],
});

entity!(FollowUpAction => "follow_up_action" {
    columns: [decision_id: Int, owner_id: Int, operation_id: Int, title: Text, due_on: Date,
        status: Text],
    references: [decision_id => "decision", owner_id => "organisation", operation_id => "operation"],
    unique: [],
    search: [title],
    owners: [owned_by("owner_id")],
    codes: [status => FollowUpStatus],
});

/// Calls `$m!(Type)` for every entity, so that code that must cover them all cannot forget one.
#[macro_export]
macro_rules! for_each_entity {
    ($m:ident) => {
        $m!(renouveau_domain::Programme);
        $m!(renouveau_domain::Organisation);
        $m!(renouveau_domain::Document);
        $m!(renouveau_domain::Territory);
        $m!(renouveau_domain::Convention);
        $m!(renouveau_domain::ConventionNode);
        $m!(renouveau_domain::NodeLead);
        $m!(renouveau_domain::GovernanceBody);
        $m!(renouveau_domain::Deliberation);
        $m!(renouveau_domain::ConventionSignatory);
        $m!(renouveau_domain::Fund);
        $m!(renouveau_domain::FundContribution);
        $m!(renouveau_domain::Operation);
        $m!(renouveau_domain::OperationAction);
        $m!(renouveau_domain::Milestone);
        $m!(renouveau_domain::FinancingLine);
        $m!(renouveau_domain::HousingFacet);
        $m!(renouveau_domain::InsertionFacet);
        $m!(renouveau_domain::Indicator);
        $m!(renouveau_domain::Target);
        $m!(renouveau_domain::Observation);
        $m!(renouveau_domain::Meeting);
        $m!(renouveau_domain::Decision);
        $m!(renouveau_domain::FollowUpAction);
    };
}

#[cfg(test)]
mod tests {
    use crate::db::ColumnKind;
    use crate::entity::Entity;

    #[test]
    fn vocabulary_columns_are_text_columns_of_their_entity() {
        let mut checked = 0;
        macro_rules! check_codes {
            ($ty:ty) => {
                for (column, codes) in <$ty>::CODES {
                    let found = <$ty>::column(column)
                        .unwrap_or_else(|| panic!("{}.{column} is not a column", <$ty>::TABLE));
                    assert_eq!(found.kind, ColumnKind::Text, "{}.{column}", <$ty>::TABLE);
                    assert!(!codes.is_empty());
                    checked += 1;
                }
            };
        }
        crate::for_each_entity!(check_codes);
        assert_eq!(checked, 17);
    }

    #[test]
    fn the_review_state_column_holds_the_review_vocabulary() {
        let mut reviewed = Vec::new();
        macro_rules! check_review {
            ($ty:ty) => {
                if let Some(column) = <$ty>::REVIEW_STATUS {
                    assert_eq!(
                        <$ty>::codes(column),
                        Some(renouveau_domain::ValidationStatus::CODES),
                        "{}.{column}",
                        <$ty>::TABLE
                    );
                    reviewed.push(<$ty>::TABLE);
                }
            };
        }
        crate::for_each_entity!(check_review);
        assert_eq!(
            reviewed,
            [
                "operation",
                "financing_line",
                "housing_facet",
                "insertion_facet",
                "observation"
            ]
        );
    }

    #[test]
    fn money_columns_are_integer_columns_of_their_entity() {
        let mut money = Vec::new();
        macro_rules! check_money {
            ($ty:ty) => {
                for column in <$ty>::MONEY {
                    let found = <$ty>::column(column)
                        .unwrap_or_else(|| panic!("{}.{column} is not a column", <$ty>::TABLE));
                    assert_eq!(found.kind, ColumnKind::Int, "{}.{column}", <$ty>::TABLE);
                    money.push(format!("{}.{column}", <$ty>::TABLE));
                }
            };
        }
        crate::for_each_entity!(check_money);
        assert_eq!(
            money,
            [
                "fund.amount",
                "fund_contribution.amount",
                "operation.cost_ht",
                "operation.cost_ttc",
                "financing_line.requested",
                "financing_line.granted",
                "financing_line.committed",
                "financing_line.paid",
            ]
        );
    }
}
