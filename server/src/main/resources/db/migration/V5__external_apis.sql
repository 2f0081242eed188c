-- Stored integration credentials (secrets sealed with AES-GCM) and external APIs (data actions).

create table integration_credentials (
  id             varchar(36)    primary key,
  org_id         varchar(36)    not null,
  name           varchar(200)   not null,
  description    varchar(1000),
  cred_type      varchar(40)    not null,
  -- Non-secret fields (user name, token URL, client id, scopes) as a JSON object.
  public_fields  varchar(8000)  not null,
  -- The secret fields as a JSON object, sealed: base64url(nonce || ciphertext || tag).
  sealed_secrets varchar(16000) not null,
  -- Which key sealed it, so a start-up with the wrong key fails clearly and rotation can resume.
  key_id         varchar(32)    not null,
  row_version    bigint         not null,
  created_at     timestamp with time zone not null,
  modified_at    timestamp with time zone not null
);
create index integration_credentials_org on integration_credentials (org_id, name);

create table external_apis (
  id               varchar(36)    primary key,
  org_id           varchar(36)    not null,
  name             varchar(200)   not null,
  description      varchar(1000),
  protocol         varchar(8)     not null,
  http_method      varchar(8)     not null,
  url              varchar(2048)  not null,
  timeout_ms       integer        not null,
  retry_count      integer        not null,
  headers_json     varchar(20000) not null,
  credential_id    varchar(36),
  request_template varchar(70000),
  response_mapping varchar(20000),
  row_version      bigint         not null,
  created_at       timestamp with time zone not null,
  modified_at      timestamp with time zone not null
);
-- Continuation-token paging walks (org_id, id); page-number listing orders by name.
create index external_apis_org_id on external_apis (org_id, id);
create index external_apis_org_name on external_apis (org_id, name);
create index external_apis_credential on external_apis (org_id, credential_id);
