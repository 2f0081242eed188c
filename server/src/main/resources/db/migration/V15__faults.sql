-- Fault-injection rules (issue 13). The rule itself (match, probability, seed, effect) is one JSON document;
-- what the nodes need to share is in columns: whether it applies, until when, its counters, and the claims
-- of a failFirst rule (so "the first N" counts across every node).
create table fault_rules (
  id          varchar(36)  primary key,
  org_id      varchar(36)  not null,
  name        varchar(200) not null,
  enabled     boolean      not null,
  definition  text         not null,
  expires_at  timestamp with time zone,
  created_at  timestamp with time zone not null,
  matched     bigint       not null default 0,
  injected    bigint       not null default 0,
  claims      bigint       not null default 0
);
create index fault_rules_org on fault_rules (org_id);
