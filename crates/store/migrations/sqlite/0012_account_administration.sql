-- Accounts as administrators run them: each user row has a version (bumped by every audited
-- change), remembers its last sign-in and when its password last changed; one-time password
-- reset links are stored hashed with their expiry.

ALTER TABLE app_user ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE app_user ADD COLUMN last_sign_in_at TEXT;
ALTER TABLE app_user ADD COLUMN password_changed_at TEXT;

CREATE TABLE password_reset (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE UNIQUE INDEX password_reset_token_hash_key ON password_reset (token_hash);
CREATE INDEX password_reset_user_id_idx ON password_reset (user_id);
CREATE INDEX password_reset_expires_at_idx ON password_reset (expires_at);
CREATE INDEX user_session_expires_at_idx ON user_session (expires_at);
