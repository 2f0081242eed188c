-- Architect flows: the flow, its immutable versions (each save is a new one; publishing marks one), and the
-- executions with their traces (pruned after flows.execution-retention-seconds).

create table flows (
  id                   varchar(36)   primary key,
  org_id               varchar(36)   not null,
  name                 varchar(200)  not null,
  name_lower           varchar(200)  not null,
  description          varchar(1000),
  flow_type            varchar(20)   not null,
  saved_version_id     varchar(36),
  published_version_id varchar(36),
  row_version          bigint        not null,
  created_at           timestamp with time zone not null,
  modified_at          timestamp with time zone not null
);
-- Genesys: a flow's name is unique among the org's flows of its type.
create unique index flows_org_type_name on flows (org_id, flow_type, name_lower);

-- Versions outlive their flow: a running execution keeps the version it started on.
create table flow_versions (
  id            varchar(36)  primary key,
  flow_id       varchar(36)  not null,
  org_id        varchar(36)  not null,
  seq           integer      not null,
  source_format varchar(8)   not null,
  source        text         not null,
  published     boolean      not null,
  created_at    timestamp with time zone not null,
  published_at  timestamp with time zone
);
create unique index flow_versions_flow_seq on flow_versions (flow_id, seq);

create table flow_executions (
  id                varchar(36)  primary key,
  org_id            varchar(36)  not null,
  flow_id           varchar(36)  not null,
  flow_version_id   varchar(36)  not null,
  name              varchar(200) not null,
  status            varchar(20)  not null,
  outcome           varchar(20),
  completion_reason varchar(1000),
  output_data       text,
  trace             text,
  launched_at       timestamp with time zone not null,
  completed_at      timestamp with time zone
);
create index flow_executions_launched on flow_executions (launched_at);
create index flow_executions_flow on flow_executions (org_id, flow_id);
