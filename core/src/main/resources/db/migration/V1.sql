-- clawgate state schema, version 1: devices, role grants, device tokens, pairing requests, audit.
-- Scope and role lists are stored as space-separated sorted names.

CREATE TABLE devices (
  device_id        TEXT PRIMARY KEY,
  public_key       TEXT NOT NULL,
  display_name     TEXT,
  label            TEXT,
  platform         TEXT,
  device_family    TEXT,
  client_id        TEXT,
  client_mode      TEXT,
  remote_address   TEXT,
  approved_via     TEXT NOT NULL,
  created_at_ms    INTEGER NOT NULL,
  approved_at_ms   INTEGER NOT NULL,
  last_seen_at_ms  INTEGER,
  last_seen_reason TEXT
) STRICT;

-- The approved baseline per (device, role): it grows only by approval and shrinks only by an
-- explicit owner action (rotate with scopes, revoke, remove).
CREATE TABLE device_roles (
  device_id       TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  role            TEXT NOT NULL,
  baseline_scopes TEXT NOT NULL,
  approved_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (device_id, role)
) STRICT;

-- One token per (device, role). token_hash is SHA-256 of the value; NULL until the value is first
-- issued to the device. Its scopes are always covered by the role's baseline.
CREATE TABLE device_tokens (
  device_id       TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
  role            TEXT NOT NULL,
  token_hash      BLOB,
  scopes          TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  issued_at_ms    INTEGER,
  rotated_at_ms   INTEGER,
  revoked_at_ms   INTEGER,
  last_used_at_ms INTEGER,
  PRIMARY KEY (device_id, role)
) STRICT;

CREATE TABLE pairing_requests (
  request_id      TEXT PRIMARY KEY,
  device_id       TEXT NOT NULL,
  public_key      TEXT NOT NULL,
  display_name    TEXT,
  platform        TEXT,
  device_family   TEXT,
  client_id       TEXT,
  client_mode     TEXT,
  remote_address  TEXT NOT NULL,
  reason          TEXT NOT NULL,
  roles           TEXT NOT NULL,
  scopes          TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  is_repair       INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired', 'removed')),
  created_at_ms   INTEGER NOT NULL,
  refreshed_at_ms INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL,
  resolved_at_ms  INTEGER,
  resolved_by     TEXT,
  approved_via    TEXT
) STRICT;

-- At most one pending request per device, enforced by the database itself.
CREATE UNIQUE INDEX pairing_one_pending_per_device ON pairing_requests (device_id) WHERE state = 'pending';
CREATE INDEX pairing_by_state ON pairing_requests (state, expires_at_ms);
CREATE INDEX pairing_by_address ON pairing_requests (remote_address) WHERE state = 'pending';

-- What each revision of a request asked for, so an approver holding an older revision can be told
-- exactly what was added since.
CREATE TABLE pairing_request_revisions (
  request_id TEXT NOT NULL REFERENCES pairing_requests(request_id) ON DELETE CASCADE,
  revision   INTEGER NOT NULL,
  roles      TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  at_ms      INTEGER NOT NULL,
  PRIMARY KEY (request_id, revision)
) STRICT;

CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms          INTEGER NOT NULL,
  action         TEXT NOT NULL,
  actor          TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  device_id      TEXT,
  request_id     TEXT,
  role           TEXT,
  remote_address TEXT,
  detail         TEXT
) STRICT;
CREATE INDEX audit_by_time ON audit_log (at_ms);
CREATE INDEX audit_by_device ON audit_log (device_id, at_ms);
