-- The schema of renouveau: every record table carries id, version (optimistic locking),
-- created_at, updated_at and archived_at (nothing is deleted). Keep in step with the other backend.

CREATE TABLE programme (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX programme_code_key ON programme (code) WHERE archived_at IS NULL;

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    siren TEXT,
    siret TEXT,
    roles TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX organisation_siren_key ON organisation (siren) WHERE archived_at IS NULL;
CREATE UNIQUE INDEX organisation_short_name_key ON organisation (short_name) WHERE archived_at IS NULL;
CREATE INDEX organisation_kind_idx ON organisation (kind);

CREATE TABLE document (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    published_on TEXT,
    text TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX document_sha256_key ON document (sha256) WHERE archived_at IS NULL;

CREATE TABLE territory (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    level TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES territory (id),
    population INTEGER CHECK (population >= 0),
    landlord_id INTEGER REFERENCES organisation (id),
    unesco BOOLEAN NOT NULL,
    tranche TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX territory_level_code_key ON territory (level, code) WHERE archived_at IS NULL;
CREATE INDEX territory_parent_id_idx ON territory (parent_id);
CREATE INDEX territory_name_idx ON territory (name);

CREATE TABLE convention (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programme (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    amends_id INTEGER REFERENCES convention (id),
    version_number INTEGER NOT NULL,
    signed_on TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX convention_code_key ON convention (code) WHERE archived_at IS NULL;
CREATE INDEX convention_programme_id_idx ON convention (programme_id);

CREATE TABLE convention_node (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    convention_id INTEGER NOT NULL REFERENCES convention (id),
    parent_id INTEGER REFERENCES convention_node (id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    position INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX convention_node_convention_id_code_key ON convention_node (convention_id, code) WHERE archived_at IS NULL;
CREATE INDEX convention_node_parent_id_idx ON convention_node (parent_id);

CREATE TABLE node_lead (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id INTEGER NOT NULL REFERENCES convention_node (id),
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX node_lead_node_id_organisation_id_key ON node_lead (node_id, organisation_id) WHERE archived_at IS NULL;
CREATE INDEX node_lead_organisation_id_idx ON node_lead (organisation_id);

CREATE TABLE governance_body (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER REFERENCES programme (id),
    organisation_id INTEGER REFERENCES organisation (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    meetings_per_year INTEGER CHECK (meetings_per_year >= 0),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX governance_body_organisation_id_idx ON governance_body (organisation_id);

CREATE TABLE deliberation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id INTEGER NOT NULL REFERENCES governance_body (id),
    number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    title TEXT NOT NULL,
    report_number TEXT,
    committee_opinion TEXT,
    members_present INTEGER NOT NULL CHECK (members_present >= 0),
    members_excused INTEGER NOT NULL CHECK (members_excused >= 0),
    proxies INTEGER NOT NULL CHECK (proxies >= 0),
    votes_for INTEGER NOT NULL CHECK (votes_for >= 0),
    votes_against INTEGER NOT NULL CHECK (votes_against >= 0),
    abstentions INTEGER NOT NULL CHECK (abstentions >= 0),
    adopted BOOLEAN NOT NULL,
    convention_id INTEGER REFERENCES convention (id),
    document_id INTEGER REFERENCES document (id),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX deliberation_body_id_number_key ON deliberation (body_id, number) WHERE archived_at IS NULL;
CREATE INDEX deliberation_decided_on_idx ON deliberation (decided_on);
CREATE INDEX deliberation_convention_id_idx ON deliberation (convention_id);

CREATE TABLE convention_signatory (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    convention_id INTEGER NOT NULL REFERENCES convention (id),
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    representative TEXT,
    representative_title TEXT,
    deliberation_id INTEGER REFERENCES deliberation (id),
    signed_on TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX convention_signatory_convention_id_organisation_id_key ON convention_signatory (convention_id, organisation_id) WHERE archived_at IS NULL;
CREATE INDEX convention_signatory_organisation_id_idx ON convention_signatory (organisation_id);

CREATE TABLE fund (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER REFERENCES programme (id),
    parent_id INTEGER REFERENCES fund (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    amount INTEGER CHECK (amount >= 0),
    start_year INTEGER,
    end_year INTEGER,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX fund_code_key ON fund (code) WHERE archived_at IS NULL;
CREATE INDEX fund_parent_id_idx ON fund (parent_id);

CREATE TABLE fund_contribution (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id INTEGER NOT NULL REFERENCES fund (id),
    funder_id INTEGER NOT NULL REFERENCES organisation (id),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX fund_contribution_fund_id_funder_id_key ON fund_contribution (fund_id, funder_id) WHERE archived_at IS NULL;
CREATE INDEX fund_contribution_funder_id_idx ON fund_contribution (funder_id);

CREATE TABLE operation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programme (id),
    title TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    owner_id INTEGER REFERENCES organisation (id),
    territory_id INTEGER REFERENCES territory (id),
    status TEXT NOT NULL,
    cost_ht INTEGER CHECK (cost_ht >= 0),
    cost_ttc INTEGER CHECK (cost_ttc >= 0),
    start_on TEXT,
    end_on TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX operation_programme_id_status_idx ON operation (programme_id, status);
CREATE INDEX operation_owner_id_idx ON operation (owner_id);
CREATE INDEX operation_territory_id_idx ON operation (territory_id);
CREATE INDEX operation_kind_idx ON operation (kind);
CREATE INDEX operation_title_idx ON operation (title);

CREATE TABLE operation_action (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operation (id),
    node_id INTEGER NOT NULL REFERENCES convention_node (id),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX operation_action_operation_id_node_id_key ON operation_action (operation_id, node_id) WHERE archived_at IS NULL;
CREATE INDEX operation_action_node_id_idx ON operation_action (node_id);

CREATE TABLE milestone (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operation (id),
    label TEXT NOT NULL,
    planned_on TEXT,
    done_on TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX milestone_operation_id_idx ON milestone (operation_id);

CREATE TABLE financing_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operation (id),
    funder_id INTEGER NOT NULL REFERENCES organisation (id),
    fund_id INTEGER REFERENCES fund (id),
    scheme TEXT,
    year INTEGER,
    state TEXT NOT NULL,
    requested INTEGER NOT NULL CHECK (requested >= 0),
    granted INTEGER NOT NULL CHECK (granted >= 0),
    committed INTEGER NOT NULL CHECK (committed >= 0),
    paid INTEGER NOT NULL CHECK (paid >= 0 AND paid <= granted AND committed <= granted),
    decision_ref TEXT,
    decision_on TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX financing_line_operation_id_idx ON financing_line (operation_id);
CREATE INDEX financing_line_funder_id_state_idx ON financing_line (funder_id, state);
CREATE INDEX financing_line_fund_id_idx ON financing_line (fund_id);
CREATE INDEX financing_line_year_idx ON financing_line (year);

CREATE TABLE housing_facet (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operation (id),
    dwellings INTEGER NOT NULL CHECK (dwellings >= 0),
    landlord_id INTEGER REFERENCES organisation (id),
    energy_before REAL,
    energy_after REAL,
    biosourced BOOLEAN NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX housing_facet_operation_id_key ON housing_facet (operation_id) WHERE archived_at IS NULL;
CREATE INDEX housing_facet_landlord_id_idx ON housing_facet (landlord_id);

CREATE TABLE insertion_facet (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operation (id),
    hours_required INTEGER NOT NULL CHECK (hours_required >= 0),
    hours_done INTEGER NOT NULL CHECK (hours_done >= 0),
    people INTEGER NOT NULL CHECK (people >= 0),
    people_rsa INTEGER NOT NULL CHECK (people_rsa >= 0),
    people_under_26 INTEGER NOT NULL CHECK (people_under_26 >= 0),
    people_long_term_unemployed INTEGER NOT NULL CHECK (people_long_term_unemployed >= 0),
    people_women INTEGER NOT NULL CHECK (people_women >= 0),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX insertion_facet_operation_id_key ON insertion_facet (operation_id) WHERE archived_at IS NULL;

CREATE TABLE indicator (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER REFERENCES programme (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    aggregation TEXT NOT NULL,
    cumulative BOOLEAN NOT NULL,
    description TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX indicator_code_key ON indicator (code) WHERE archived_at IS NULL;

CREATE TABLE target (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL REFERENCES indicator (id),
    convention_id INTEGER REFERENCES convention (id),
    territory_id INTEGER REFERENCES territory (id),
    value REAL NOT NULL,
    due_on TEXT NOT NULL,
    document_id INTEGER REFERENCES document (id),
    source_start INTEGER,
    source_end INTEGER,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX target_indicator_id_due_on_idx ON target (indicator_id, due_on);

CREATE TABLE observation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL REFERENCES indicator (id),
    territory_id INTEGER REFERENCES territory (id),
    value REAL NOT NULL,
    observed_on TEXT NOT NULL,
    period_start TEXT,
    status TEXT NOT NULL,
    document_id INTEGER REFERENCES document (id),
    source_start INTEGER,
    source_end INTEGER,
    note TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX observation_indicator_id_observed_on_idx ON observation (indicator_id, observed_on);
CREATE INDEX observation_territory_id_idx ON observation (territory_id);
CREATE INDEX observation_document_id_idx ON observation (document_id);

CREATE TABLE meeting (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id INTEGER NOT NULL REFERENCES governance_body (id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    attendance TEXT,
    agenda TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX meeting_body_id_held_on_idx ON meeting (body_id, held_on);

CREATE TABLE decision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER REFERENCES meeting (id),
    decided_on TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX decision_meeting_id_idx ON decision (meeting_id);
CREATE INDEX decision_decided_on_idx ON decision (decided_on);

CREATE TABLE follow_up_action (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id INTEGER NOT NULL REFERENCES decision (id),
    owner_id INTEGER REFERENCES organisation (id),
    operation_id INTEGER REFERENCES operation (id),
    title TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX follow_up_action_decision_id_idx ON follow_up_action (decision_id);
CREATE INDEX follow_up_action_owner_id_idx ON follow_up_action (owner_id);
CREATE INDEX follow_up_action_operation_id_idx ON follow_up_action (operation_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_label TEXT NOT NULL,
    actor_organisation_id INTEGER,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    record_version INTEGER NOT NULL,
    before_state TEXT,
    after_state TEXT NOT NULL
);
CREATE INDEX audit_log_entity_record_id_idx ON audit_log (entity, record_id);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);
