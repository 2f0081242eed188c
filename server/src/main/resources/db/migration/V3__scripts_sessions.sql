-- Scripts (editable drafts), their immutable published versions, and agent script sessions.
-- document holds the script's content (pages, components, variables, features, custom actions) as JSON.
create table scripts (
  id           varchar(36)  primary key,
  org_id       varchar(36)  not null,
  name         varchar(200) not null,
  name_lower   varchar(200) not null,
  version      bigint       not null,
  version_id   varchar(36)  not null,
  created_at   timestamp with time zone not null,
  modified_at  timestamp with time zone not null,
  published_at timestamp with time zone,
  document     text         not null
);
create index scripts_org_name on scripts (org_id, name_lower, id);

-- A published version is never changed; only 'latest' (the one served by /published/{id}) and 'deleted'
-- (the script was deleted: no longer served, still rendered for sessions pinned to it) move.
create table published_scripts (
  version_id          varchar(36)  primary key,
  script_id           varchar(36)  not null,
  org_id              varchar(36)  not null,
  seq                 integer      not null,
  name                varchar(200) not null,
  name_lower          varchar(200) not null,
  script_created_at   timestamp with time zone not null,
  script_modified_at  timestamp with time zone not null,
  published_at        timestamp with time zone not null,
  latest              boolean      not null,
  deleted             boolean      not null,
  document            text         not null,
  constraint published_scripts_seq unique (script_id, seq)
);
create index published_scripts_latest on published_scripts (org_id, script_id, latest);
create index published_scripts_org_name on published_scripts (org_id, latest, name_lower);

-- data is bounded by sessions.max-data-bytes (at most 1 MiB), so it fits an inline varchar on both databases.
create table script_sessions (
  id                 varchar(36)  primary key,
  org_id             varchar(36)  not null,
  script_id          varchar(36)  not null,
  script_version_id  varchar(36)  not null,
  conversation_id    varchar(36)  not null,
  agent_id           varchar(36),
  state              varchar(20)  not null,
  version            bigint       not null,
  data               varchar(1048576) not null,
  created_at         timestamp with time zone not null,
  modified_at        timestamp with time zone not null,
  completed_at       timestamp with time zone
);
create index script_sessions_conversation on script_sessions (org_id, conversation_id, state);
create index script_sessions_script on script_sessions (org_id, script_id, state);
