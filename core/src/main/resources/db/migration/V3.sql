-- clawgate state schema, version 3: exec and plugin approvals, persistent exec allow rules.
-- An approval is resolved exactly once: every resolution (an operator's decision, an allow rule,
-- expiry) is a conditional UPDATE ... WHERE state = 'pending' inside one write transaction.

CREATE TABLE approvals (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL CHECK (kind IN ('exec', 'plugin')),
-- The request as shown to operators (JSON object text), never rewritten after insert.
  request             TEXT NOT NULL,
-- Space-separated decisions an operator may give (all three for exec).
  allowed_decisions   TEXT NOT NULL,
  created_at_ms       INTEGER NOT NULL,
  expires_at_ms       INTEGER NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('pending', 'resolved', 'expired')),
  decision            TEXT CHECK (decision IN ('allow-once', 'allow-always', 'deny', 'expired')),
  resolved_by         TEXT,
  resolved_at_ms      INTEGER,
-- The allow rule that answered it without asking, or that its allow-always created.
  rule_id             TEXT,
  requested_by_conn   TEXT,
  requested_by_device TEXT,
  requested_by_client TEXT,
  CHECK ((state = 'pending') = (decision IS NULL)),
  CHECK ((state = 'pending') = (resolved_at_ms IS NULL)),
  CHECK ((state = 'expired') = (decision IS 'expired'))
) STRICT;

-- Pending requests of one kind, oldest first (list), and recent resolutions.
CREATE INDEX approvals_by_kind ON approvals (kind, state, created_at_ms);
-- Pending requests that are due (sweep, and every read that expires due requests first).
CREATE INDEX approvals_due ON approvals (expires_at_ms) WHERE state = 'pending';
-- Resolved and expired requests past the retention (prune).
CREATE INDEX approvals_finished ON approvals (resolved_at_ms) WHERE state <> 'pending';

-- Exec commands an operator allowed always: a later request with the same command string and the
-- same agent (absent matches only absent) is allowed without asking.
CREATE TABLE exec_allow_rules (
  id                 TEXT PRIMARY KEY,
  command            TEXT NOT NULL,
  agent_id           TEXT,
  created_by         TEXT NOT NULL,
  created_at_ms      INTEGER NOT NULL,
  source_approval_id TEXT,
  last_used_at_ms    INTEGER,
  use_count          INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One rule per (command, agent); agent ids are never empty, so '' stands for "no agent".
CREATE UNIQUE INDEX exec_allow_rules_match ON exec_allow_rules (command, ifnull(agent_id, ''));
