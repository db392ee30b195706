-- The validation workflow: partners' writes on operations and figures are declared, the
-- programme team validates them or returns them with a comment. Rows written before this
-- migration are the programme team's own (bundled data, administrators): validated.
-- Keep in step with the other backend.

ALTER TABLE operation ADD COLUMN validation TEXT NOT NULL DEFAULT 'validated'
    CHECK (validation IN ('declared', 'validated', 'returned'));
ALTER TABLE operation ADD COLUMN validation_note TEXT;
CREATE INDEX operation_pending_idx ON operation (id) WHERE validation <> 'validated';
ALTER TABLE financing_line ADD COLUMN validation TEXT NOT NULL DEFAULT 'validated'
    CHECK (validation IN ('declared', 'validated', 'returned'));
ALTER TABLE financing_line ADD COLUMN validation_note TEXT;
CREATE INDEX financing_line_pending_idx ON financing_line (id) WHERE validation <> 'validated';
ALTER TABLE housing_facet ADD COLUMN validation TEXT NOT NULL DEFAULT 'validated'
    CHECK (validation IN ('declared', 'validated', 'returned'));
ALTER TABLE housing_facet ADD COLUMN validation_note TEXT;
CREATE INDEX housing_facet_pending_idx ON housing_facet (id) WHERE validation <> 'validated';
ALTER TABLE insertion_facet ADD COLUMN validation TEXT NOT NULL DEFAULT 'validated'
    CHECK (validation IN ('declared', 'validated', 'returned'));
ALTER TABLE insertion_facet ADD COLUMN validation_note TEXT;
CREATE INDEX insertion_facet_pending_idx ON insertion_facet (id) WHERE validation <> 'validated';
ALTER TABLE observation ADD COLUMN validation_note TEXT;
CREATE INDEX observation_pending_idx ON observation (id) WHERE status <> 'validated';
