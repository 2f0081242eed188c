-- Per-org overrides of the platform.api rate limits. A limit without a row takes the configured default.
create table rate_limit_overrides (
  org_id      varchar(36)  not null,
  limit_key   varchar(100) not null,
  limit_value bigint       not null,
  updated_at  timestamp with time zone not null,
  primary key (org_id, limit_key)
);

-- One row per org that ever changed its limits. The version orders the changes for every node: a node
-- applies a bucket configuration only if its version is newer than the one the bucket already has.
create table rate_limit_versions (
  org_id      varchar(36) primary key,
  version     bigint not null,
  updated_at  timestamp with time zone not null
);
