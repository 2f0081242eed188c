-- Routing (issue 11, part 2): ACD queues and their members, agents' routing status, IVRs (DNIS -> flow),
-- calls waiting in a queue, and which flow executions a call ran with what routing result.

create table routing_queues (
  id          varchar(36)   primary key,
  org_id      varchar(36)   not null,
  name        varchar(200)  not null,
  name_lower  varchar(200)  not null,
  description varchar(1000),
  created_at  timestamp with time zone not null,
  modified_at timestamp with time zone not null
);
-- Genesys: a queue's name is unique in the org (case-insensitively).
create unique index routing_queues_org_name on routing_queues (org_id, name_lower);

create table routing_queue_members (
  queue_id  varchar(36) not null references routing_queues (id) on delete cascade,
  user_id   varchar(36) not null,
  org_id    varchar(36) not null,
  joined_at timestamp with time zone not null,
  primary key (queue_id, user_id)
);
create index routing_queue_members_user on routing_queue_members (org_id, user_id);

-- One row per agent that ever set a status (no row: OFF_QUEUE). start_time is when the status began:
-- the longest-idle IDLE member is the one with the oldest start_time.
create table routing_status (
  user_id    varchar(36) primary key,
  org_id     varchar(36) not null,
  status     varchar(20) not null,
  start_time timestamp with time zone not null
);
create index routing_status_org_status on routing_status (org_id, status, start_time);

create table ivrs (
  id             varchar(36)   primary key,
  org_id         varchar(36)   not null,
  name           varchar(200)  not null,
  name_lower     varchar(200)  not null,
  description    varchar(1000),
  flow_id        varchar(36)   not null,
  row_version    bigint        not null,
  created_at     timestamp with time zone not null,
  modified_at    timestamp with time zone not null
);
create unique index ivrs_org_name on ivrs (org_id, name_lower);

-- A DNIS belongs to at most one IVR of the org (orgs are isolated; see docs/flows.md).
create table ivr_dnis (
  org_id varchar(36) not null,
  dnis   varchar(50) not null,
  ivr_id varchar(36) not null references ivrs (id) on delete cascade,
  primary key (org_id, dnis)
);
create index ivr_dnis_ivr on ivr_dnis (ivr_id);

-- Calls waiting for an agent, FIFO per queue (enqueued_at, then seq). screen_pop: the flow's pending
-- setScreenPop ({scriptId, inputs}) to start when an agent connects.
create table queued_calls (
  conversation_id varchar(36)  primary key,
  org_id          varchar(36)  not null,
  queue_id        varchar(36)  not null references routing_queues (id) on delete cascade,
  execution_id    varchar(36),
  screen_pop      varchar(200000),
  enqueued_at     timestamp with time zone not null,
  seq             bigint       not null
);
create index queued_calls_queue on queued_calls (queue_id, enqueued_at, seq);
create sequence queued_calls_seq;

-- Each flow execution a call ran, and what routing made of its end.
create table call_flow_executions (
  conversation_id varchar(36)  not null,
  execution_id    varchar(36)  not null,
  org_id          varchar(36)  not null,
  ivr_id          varchar(36),
  routing_result  varchar(30),
  queue_id        varchar(36),
  queue_name      varchar(200),
  agent_id        varchar(36),
  session_id      varchar(36),
  detail          varchar(2000),
  created_at      timestamp with time zone not null,
  modified_at     timestamp with time zone not null,
  primary key (conversation_id, execution_id)
);
