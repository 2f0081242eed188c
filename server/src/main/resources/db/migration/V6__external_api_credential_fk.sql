-- An external API may only point at a credential that exists: the database, not a check-then-act in the
-- service, decides the race between deleting a credential and saving an API that uses it.
-- A reference left dangling by that race before this migration pointed at nothing; it becomes "no credential".
update external_apis set credential_id = null
  where credential_id is not null and credential_id not in (select id from integration_credentials);
alter table external_apis
  add constraint external_apis_credential_fk foreign key (credential_id) references integration_credentials (id);
