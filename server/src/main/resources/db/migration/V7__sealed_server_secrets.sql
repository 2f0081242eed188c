-- Server secrets (the token-signing key, the page-token key) are sealed with the credentials key, like stored
-- credentials: key_id names the key that sealed the value. A null key_id marks a value written in clear by an
-- older version; the server seals it in place at its next start.
alter table server_secrets add column key_id varchar(32);

-- The hosts a credential may be sent to (a JSON array of host names or *.domain patterns). Null: none given
-- (see CredentialService for what that means for each type).
alter table integration_credentials add column allowed_hosts varchar(4000);
