-- Genesys-shaped integrations (instances of custom-rest-actions holding a credential) and their data actions.

create table integrations (
  id             varchar(36)   primary key,
  org_id         varchar(36)   not null,
  name           varchar(200)  not null,
  notes          varchar(1000),
  type_id        varchar(64)   not null,
  intended_state varchar(16)   not null,
  -- The credential the actions of this integration are called with; the database decides the race
  -- between deleting a credential and attaching it (409 credential.in.use).
  credential_id  varchar(36)   references integration_credentials (id),
  -- config.current.advanced.retry (a Switchboard extension): 429/5xx retries of its actions, 0..3.
  retry_count    integer       not null,
  row_version    bigint        not null,
  created_at     timestamp with time zone not null,
  modified_at    timestamp with time zone not null
);
create index integrations_org_name on integrations (org_id, name);
create index integrations_credential on integrations (org_id, credential_id);

create table integration_actions (
  id             varchar(64)   primary key,
  org_id         varchar(36)   not null,
  integration_id varchar(36)   not null references integrations (id) on delete cascade,
  name           varchar(256)  not null,
  category       varchar(256)  not null,
  secure         boolean       not null,
  -- config {request, response, timeoutSeconds} and contract {input, output} as JSON documents.
  config_json    varchar(200000) not null,
  contract_json  varchar(200000) not null,
  row_version    bigint        not null,
  created_at     timestamp with time zone not null,
  modified_at    timestamp with time zone not null
);
create index integration_actions_org_name on integration_actions (org_id, name);
create index integration_actions_integration on integration_actions (org_id, integration_id);
