-- clawgate state schema, version 2: sessions, transcripts, inbound dedupe, deliveries, channel
-- cursors. JSON columns hold the wire shapes (origin, delivery context, message content, media).

-- One row per session key. session_id changes on reset; the old transcript is kept under it.
CREATE TABLE sessions (
  session_key         TEXT PRIMARY KEY,
  session_id          TEXT NOT NULL UNIQUE,
  agent_id            TEXT NOT NULL,
  kind                TEXT NOT NULL,
  channel             TEXT,
  label               TEXT,
  display_name        TEXT,
  derived_title       TEXT,
  last_preview        TEXT,
  origin_json         TEXT,
  delivery_json       TEXT,
  last_channel        TEXT,
  last_to             TEXT,
  last_account_id     TEXT,
  last_thread_id      TEXT,
  message_count       INTEGER NOT NULL DEFAULT 0,
  created_at_ms       INTEGER NOT NULL,
  updated_at_ms       INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_update ON sessions (updated_at_ms DESC, session_key);

-- Append-only transcripts: seq is the 1-based position within session_id.
CREATE TABLE transcript (
  session_id          TEXT NOT NULL,
  seq                 INTEGER NOT NULL,
  session_key         TEXT NOT NULL,
  message_id          TEXT NOT NULL,
  role                TEXT NOT NULL,
  content_json        TEXT NOT NULL,
  media_json          TEXT,
  sender_is_owner     INTEGER,
  idempotency_key     TEXT,
  source              TEXT NOT NULL,
  timestamp_ms        INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX transcript_by_message ON transcript (session_id, message_id);
CREATE INDEX transcript_by_key ON transcript (session_key);

-- Inbound channel messages already received (dedupe across redelivery and restarts).
CREATE TABLE inbound_seen (
  channel             TEXT NOT NULL,
  account_id          TEXT NOT NULL,
  external_id         TEXT NOT NULL,
  session_key         TEXT NOT NULL,
  message_id          TEXT NOT NULL,
  received_at_ms      INTEGER NOT NULL,
  PRIMARY KEY (channel, account_id, external_id)
) STRICT, WITHOUT ROWID;

-- Outbound sends by idempotency key: claimed before delivery, completed with the transcript mirror.
CREATE TABLE deliveries (
  idempotency_key     TEXT PRIMARY KEY,
  fingerprint         TEXT NOT NULL,
  session_key         TEXT,
  channel             TEXT NOT NULL,
  account_id          TEXT,
  target              TEXT NOT NULL,
  thread_id           TEXT,
  state               TEXT NOT NULL,
  result_json         TEXT,
  message_id          TEXT,
  error               TEXT,
  attempts            INTEGER NOT NULL DEFAULT 0,
  created_at_ms       INTEGER NOT NULL,
  updated_at_ms       INTEGER NOT NULL
) STRICT;

-- A channel account's position in its inbound stream (e.g. Telegram's update offset).
CREATE TABLE channel_cursors (
  channel             TEXT NOT NULL,
  account_id          TEXT NOT NULL,
  name                TEXT NOT NULL,
  value               TEXT NOT NULL,
  updated_at_ms       INTEGER NOT NULL,
  PRIMARY KEY (channel, account_id, name)
) STRICT, WITHOUT ROWID;

CREATE INDEX transcript_by_idempotency ON transcript (session_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
