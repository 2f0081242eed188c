-- Organisations (tenants), their OAuth clients, revoked tokens and server-wide secrets.
create table orgs (
  id          varchar(36)  primary key,
  name        varchar(200) not null,
  created_at  timestamp with time zone not null,
  constraint orgs_name_unique unique (name)
);

create table oauth_clients (
  id                  varchar(36)   primary key,
  org_id              varchar(36)   not null references orgs (id),
  name                varchar(200)  not null,
  description         varchar(1000),
  secret_hash         varchar(200)  not null,
  scopes              varchar(4000) not null,
  token_ttl_seconds   integer       not null,
  created_at          timestamp with time zone not null,
  secret_rotated_at   timestamp with time zone not null
);
create index oauth_clients_org on oauth_clients (org_id, name);

-- A revoked token stays listed until it would have expired anyway.
create table revoked_tokens (
  jti         varchar(64) primary key,
  expires_at  timestamp with time zone not null,
  revoked_at  timestamp with time zone not null
);
create index revoked_tokens_revoked_at on revoked_tokens (revoked_at);

create table server_secrets (
  name        varchar(64)  primary key,
  secret_value varchar(512) not null,
  created_at  timestamp with time zone not null
);
