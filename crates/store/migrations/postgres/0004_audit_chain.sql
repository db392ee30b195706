-- The audit trail becomes a hash chain: each row keeps the hash of the row before it and its own
-- hash, taken over its content and that previous hash (see audit.rs). Rows written before this
-- migration are sealed by Store::open, in id order. audit_head holds the hash of the last row:
-- each writer locks it, chains its row to it and replaces it in its own transaction, so that
-- writers take turns and id order is chain order. Keep in step with the other backend.

ALTER TABLE audit_log ADD COLUMN previous_hash TEXT;
ALTER TABLE audit_log ADD COLUMN row_hash TEXT;
-- Finds the rows still to seal without reading the whole trail at every start.
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE row_hash IS NULL;

CREATE TABLE audit_head (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    head_hash TEXT NOT NULL
);
-- The chain starts from a hash of zeros.
INSERT INTO audit_head (id, head_hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
