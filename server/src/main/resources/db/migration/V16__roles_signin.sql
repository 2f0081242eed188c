-- Authorization roles (custom ones; the built-in roles are defined in code), the roles granted to
-- users and to OAuth clients (Genesys's roleDivisions), user passwords, the sign-in grants' clients
-- and the authorization codes of the code grant.
create table authorization_roles (
  id          varchar(36)   primary key,
  org_id      varchar(36)   not null references orgs (id),
  name        varchar(200)  not null,
  name_lower  varchar(200)  not null,
  description varchar(1000),
  scopes      varchar(4000) not null,
  created_at  timestamp with time zone not null,
  modified_at timestamp with time zone not null,
  constraint authorization_roles_org_name_unique unique (org_id, name_lower)
);

create table user_roles (
  org_id  varchar(36) not null,
  user_id varchar(36) not null,
  role_id varchar(36) not null,
  primary key (user_id, role_id)
);
create index user_roles_role on user_roles (role_id);

create table oauth_client_roles (
  client_id   varchar(36) not null references oauth_clients (id) on delete cascade,
  org_id      varchar(36) not null,
  role_id     varchar(36) not null,
  division_id varchar(36) not null,
  primary key (client_id, role_id, division_id)
);
create index oauth_client_roles_role on oauth_client_roles (role_id);

alter table users add column password_hash varchar(200);
alter table oauth_clients add column grant_type varchar(32) default 'CLIENT-CREDENTIALS' not null;
alter table oauth_clients add column redirect_uris varchar(20000);

-- Only a SHA-256 of each code is kept; a code is deleted when it is redeemed.
create table authorization_codes (
  code_hash      varchar(64)   primary key,
  org_id         varchar(36)   not null,
  client_id      varchar(36)   not null,
  user_id        varchar(36)   not null,
  redirect_uri   varchar(2000) not null,
  code_challenge varchar(128),
  expires_at     timestamp with time zone not null
);
create index authorization_codes_expiry on authorization_codes (expires_at);

-- A client that held every scope before the new `faults` (V15) and `authorization` scopes existed
-- (every org's admin client) keeps holding every scope.
update oauth_clients set scopes = scopes || ',faults'
 where (',' || scopes || ',') like '%,oauth,%'
   and (',' || scopes || ',') like '%,scripts,%'
   and (',' || scopes || ',') like '%,agent-scripting,%'
   and (',' || scopes || ',') like '%,conversations,%'
   and (',' || scopes || ',') like '%,users,%'
   and (',' || scopes || ',') like '%,routing,%'
   and (',' || scopes || ',') like '%,architect,%'
   and (',' || scopes || ',') like '%,integrations,%'
   and (',' || scopes || ',') like '%,limits,%'
   and (',' || scopes || ',') like '%,limits:edit,%'
   and (',' || scopes || ',') like '%,notifications,%'
   and (',' || scopes || ',') not like '%,faults,%';

update oauth_clients set scopes = scopes || ',authorization'
 where (',' || scopes || ',') like '%,oauth,%'
   and (',' || scopes || ',') like '%,scripts,%'
   and (',' || scopes || ',') like '%,agent-scripting,%'
   and (',' || scopes || ',') like '%,conversations,%'
   and (',' || scopes || ',') like '%,users,%'
   and (',' || scopes || ',') like '%,routing,%'
   and (',' || scopes || ',') like '%,architect,%'
   and (',' || scopes || ',') like '%,integrations,%'
   and (',' || scopes || ',') like '%,limits,%'
   and (',' || scopes || ',') like '%,limits:edit,%'
   and (',' || scopes || ',') like '%,notifications,%'
   and (',' || scopes || ',') not like '%,authorization,%';
