-- Search and sort as French users type: every searchable column gets a folded twin (lower
-- case, no accents, plain apostrophes; computed by the store in Rust on every write, see
-- `folding.rs`), which searches match and sorts compare byte for byte. Existing rows are folded
-- by `Store::open`, which compares `folded_text_version` with the version of its folding.
-- Keep in step with the other backend.

ALTER TABLE programme ADD COLUMN code_folded TEXT;
ALTER TABLE programme ADD COLUMN name_folded TEXT;
ALTER TABLE organisation ADD COLUMN name_folded TEXT;
ALTER TABLE organisation ADD COLUMN short_name_folded TEXT;
ALTER TABLE organisation ADD COLUMN siren_folded TEXT;
ALTER TABLE document ADD COLUMN title_folded TEXT;
ALTER TABLE document ADD COLUMN file_name_folded TEXT;
ALTER TABLE territory ADD COLUMN name_folded TEXT;
ALTER TABLE territory ADD COLUMN code_folded TEXT;
ALTER TABLE convention ADD COLUMN code_folded TEXT;
ALTER TABLE convention ADD COLUMN title_folded TEXT;
ALTER TABLE convention_node ADD COLUMN code_folded TEXT;
ALTER TABLE convention_node ADD COLUMN title_folded TEXT;
ALTER TABLE convention_node ADD COLUMN description_folded TEXT;
ALTER TABLE governance_body ADD COLUMN name_folded TEXT;
ALTER TABLE deliberation ADD COLUMN number_folded TEXT;
ALTER TABLE deliberation ADD COLUMN title_folded TEXT;
ALTER TABLE convention_signatory ADD COLUMN representative_folded TEXT;
ALTER TABLE fund ADD COLUMN code_folded TEXT;
ALTER TABLE fund ADD COLUMN name_folded TEXT;
ALTER TABLE fund ADD COLUMN description_folded TEXT;
ALTER TABLE operation ADD COLUMN title_folded TEXT;
ALTER TABLE operation ADD COLUMN description_folded TEXT;
ALTER TABLE milestone ADD COLUMN label_folded TEXT;
ALTER TABLE financing_line ADD COLUMN scheme_folded TEXT;
ALTER TABLE financing_line ADD COLUMN decision_ref_folded TEXT;
ALTER TABLE indicator ADD COLUMN code_folded TEXT;
ALTER TABLE indicator ADD COLUMN name_folded TEXT;
ALTER TABLE indicator ADD COLUMN description_folded TEXT;
ALTER TABLE observation ADD COLUMN note_folded TEXT;
ALTER TABLE meeting ADD COLUMN title_folded TEXT;
ALTER TABLE meeting ADD COLUMN agenda_folded TEXT;
ALTER TABLE decision ADD COLUMN title_folded TEXT;
ALTER TABLE decision ADD COLUMN text_folded TEXT;
ALTER TABLE follow_up_action ADD COLUMN title_folded TEXT;

CREATE TABLE folded_text_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO folded_text_version (id, version) VALUES (1, 0);

-- Lists sort by the twins now: index them where the raw columns were indexed for sorting.
DROP INDEX IF EXISTS operation_title_idx;
CREATE INDEX operation_title_folded_idx ON operation (title_folded);
DROP INDEX IF EXISTS territory_name_idx;
CREATE INDEX territory_name_folded_idx ON territory (name_folded);
CREATE INDEX organisation_name_folded_idx ON organisation (name_folded);
