-- Sign-in throttling without lock-outs: browsers where an account signed in before (known
-- devices) keep their owner's access while the account is under attack; each failed attempt
-- remembers the device it came from.

CREATE TABLE known_device (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE UNIQUE INDEX known_device_user_token_idx ON known_device (user_id, token_hash);

ALTER TABLE sign_in_failure ADD COLUMN device_id INTEGER REFERENCES known_device (id);
CREATE INDEX sign_in_failure_device_idx ON sign_in_failure (device_id, failed_at);

