-- Failed sign-ins, counted per account and per client address to slow password guessing down
-- (several servers share one database, so the count lives here). API tokens now act for the
-- organisation their user had when they were made, may expire, remember their last use and keep
-- a short prefix by which they can be named without their secret.

CREATE TABLE sign_in_failure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    client_address TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_account_idx ON sign_in_failure (account, failed_at);
CREATE INDEX sign_in_failure_client_address_idx ON sign_in_failure (client_address, failed_at);
CREATE INDEX sign_in_failure_failed_at_idx ON sign_in_failure (failed_at);

-- SQLite cannot add a NOT NULL column with a reference: the table is rebuilt.
CREATE TABLE api_token_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    prefix TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
INSERT INTO api_token_new (id, token_hash, user_id, organisation_id, created_at, revoked_at)
    SELECT api_token.id, api_token.token_hash, api_token.user_id, app_user.organisation_id,
        api_token.created_at, api_token.revoked_at
    FROM api_token JOIN app_user ON app_user.id = api_token.user_id;
DROP TABLE api_token;
ALTER TABLE api_token_new RENAME TO api_token;
CREATE UNIQUE INDEX api_token_token_hash_key ON api_token (token_hash);
CREATE INDEX api_token_user_id_idx ON api_token (user_id);
CREATE INDEX api_token_organisation_id_idx ON api_token (organisation_id);
CREATE INDEX api_token_prefix_idx ON api_token (prefix);
