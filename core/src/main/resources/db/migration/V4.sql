-- clawgate state schema, version 4: OAuth clients and their grants, static bearer tokens.
-- An OAuth client and a static token are devices too (kind 'oauth-client' / 'token'): they pair,
-- are listed, renamed and removed like any device, and their approved scopes are the operator
-- baseline in device_roles. Token values are never stored, only their SHA-256.

ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'device'
  CHECK (kind IN ('device', 'oauth-client', 'token'));
ALTER TABLE pairing_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'device'
  CHECK (kind IN ('device', 'oauth-client', 'token'));

-- Registered OAuth clients: by dynamic registration, by a client ID metadata document (client_id
-- is then the document's https URL), or from the CLI. device_id names the device the client pairs
-- as; removing that device removes the client, so its next token request is invalid_client.
CREATE TABLE oauth_clients (
  client_id      TEXT PRIMARY KEY,
  device_id      TEXT NOT NULL UNIQUE,
  registration   TEXT NOT NULL CHECK (registration IN ('dynamic', 'metadata-document', 'cli')),
  client_name    TEXT NOT NULL,
-- Space-separated (a redirect URI holds no space).
  redirect_uris  TEXT NOT NULL,
-- Dynamic registrations with the same name and redirect URIs are one client (no sprawl).
  dedup_key      TEXT UNIQUE,
-- The metadata as registered or fetched (JSON object text).
  metadata       TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  refreshed_at_ms INTEGER NOT NULL,
  last_used_at_ms INTEGER
) STRICT;

-- An authorization request waiting for consent or completed; the consent page is keyed by its id.
CREATE TABLE oauth_authorizations (
  authorization_id TEXT PRIMARY KEY,
  client_id        TEXT NOT NULL REFERENCES oauth_clients(client_id) ON DELETE CASCADE,
  redirect_uri     TEXT NOT NULL,
  state            TEXT,
  code_challenge   TEXT NOT NULL,
  resource         TEXT NOT NULL,
  scopes           TEXT NOT NULL,
  request_id       TEXT,
-- SHA-256 of the browser cookie of whoever started it: completing it there marks that browser as
-- the owner's for this client.
  browser_hash     BLOB,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'denied', 'expired')),
  created_at_ms    INTEGER NOT NULL,
  expires_at_ms    INTEGER NOT NULL,
  completed_at_ms  INTEGER
) STRICT;
CREATE INDEX oauth_authorizations_by_expiry ON oauth_authorizations (expires_at_ms);

-- Browsers that completed an owner-approved authorization of a client (by cookie, hashed): a
-- later authorization of that client from such a browser, for scopes already approved, passes
-- without asking. From any other browser (or a script) the owner is asked again: the code would
-- otherwise go to whoever asks, in the redirect they receive.
CREATE TABLE oauth_trusted_browsers (
  browser_hash  BLOB NOT NULL,
  device_id     TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (browser_hash, device_id)
) STRICT;

-- Authorization codes: single use, short-lived. A replayed code revokes the grant it produced.
CREATE TABLE oauth_codes (
  code_hash      BLOB PRIMARY KEY,
  client_id      TEXT NOT NULL REFERENCES oauth_clients(client_id) ON DELETE CASCADE,
  device_id      TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  redirect_uri   TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  resource       TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL,
  used_at_ms     INTEGER,
  grant_id       TEXT
) STRICT;

-- A grant: what one completed authorization (and its chain of refreshes) holds. Revoking it ends
-- every access and refresh token of the chain.
CREATE TABLE oauth_grants (
  grant_id       TEXT PRIMARY KEY,
  client_id      TEXT NOT NULL REFERENCES oauth_clients(client_id) ON DELETE CASCADE,
  device_id      TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  resource       TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  revoked_at_ms  INTEGER,
  revoked_reason TEXT
) STRICT;

-- Bearer tokens: OAuth access and refresh tokens (in a grant) and static tokens (of a device of
-- kind 'token'). A refresh token is single use: used_at_ms is set when it is exchanged.
CREATE TABLE bearer_tokens (
  token_hash      BLOB PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('access', 'refresh', 'static')),
  device_id       TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  grant_id        TEXT REFERENCES oauth_grants(grant_id) ON DELETE CASCADE,
  resource        TEXT,
  scopes          TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER,
  used_at_ms      INTEGER,
  revoked_at_ms   INTEGER,
  last_used_at_ms INTEGER
) STRICT;
CREATE INDEX bearer_tokens_by_grant ON bearer_tokens (grant_id);
CREATE INDEX bearer_tokens_by_device ON bearer_tokens (device_id, kind);
CREATE INDEX bearer_tokens_by_expiry ON bearer_tokens (expires_at_ms);
