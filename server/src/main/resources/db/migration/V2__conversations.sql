-- The agent directory, wrap-up codes, call conversations with their participants, and the stored
-- responses of idempotent POSTs. Every row carries its org; ids from another org are never matched.
create table users (
  id          varchar(36)  primary key,
  org_id      varchar(36)  not null,
  name        varchar(200) not null,
  email       varchar(254) not null,
  email_lower varchar(254) not null,
  department  varchar(200),
  title       varchar(200),
  state       varchar(20)  not null,
  version     bigint       not null,
  created_at  timestamp with time zone not null,
  modified_at timestamp with time zone not null,
  constraint users_org_email_unique unique (org_id, email_lower)
);
create index users_org_name on users (org_id, name, id);

create table wrapup_codes (
  id          varchar(36)  primary key,
  org_id      varchar(36)  not null,
  name        varchar(200) not null,
  name_lower  varchar(200) not null,
  created_by  varchar(64),
  modified_by varchar(64),
  created_at  timestamp with time zone not null,
  modified_at timestamp with time zone not null,
  constraint wrapup_codes_org_name_unique unique (org_id, name_lower)
);

create table conversations (
  id           varchar(36)  primary key,
  org_id       varchar(36)  not null,
  state        varchar(20)  not null,
  from_address varchar(200) not null,
  to_address   varchar(200) not null,
  start_time   timestamp with time zone not null,
  end_time     timestamp with time zone,
  modified_at  timestamp with time zone not null
);
create index conversations_org_start on conversations (org_id, start_time);

-- One call communication per participant, so the call's id and state live on the participant's row.
create table conversation_participants (
  id                      varchar(36)  primary key,
  conversation_id         varchar(36)  not null references conversations (id) on delete cascade,
  org_id                  varchar(36)  not null,
  seq                     integer      not null,
  purpose                 varchar(20)  not null,
  user_id                 varchar(36),
  name                    varchar(200),
  address                 varchar(200),
  state                   varchar(20)  not null,
  call_id                 varchar(36)  not null,
  attributes              varchar(200000),
  start_time              timestamp with time zone not null,
  connected_time          timestamp with time zone,
  end_time                timestamp with time zone,
  wrapup_code             varchar(36),
  wrapup_name             varchar(200),
  wrapup_notes            varchar(4000),
  wrapup_tags             varchar(4000),
  wrapup_duration_seconds integer,
  wrapup_end_time         timestamp with time zone,
  constraint participants_conversation_position unique (conversation_id, seq)
);
create index participants_org_user on conversation_participants (org_id, user_id);

-- Idempotency-Key records: one per (org, key). state is 'running' while the first request executes and
-- 'done' once its 2xx response is stored; owner_token names the request that holds a running key, so a
-- request whose lease ran out cannot finish or release a key another request has taken over.
create table idempotency_records (
  org_id        varchar(36)  not null,
  idem_key      varchar(255) not null,
  fingerprint   varchar(64)  not null,
  state         varchar(10)  not null,
  owner_token   varchar(36)  not null,
  status        integer,
  headers       varchar(4000),
  body          text,
  created_at    timestamp with time zone not null,
  locked_until  timestamp with time zone not null,
  expires_at    timestamp with time zone not null,
  primary key (org_id, idem_key)
);
create index idempotency_records_expiry on idempotency_records (expires_at);
