-- When a client was last changed by a PUT (name, scopes, roles, lifetime...). Null for clients never
-- changed that way: their dateModified is their creation or last secret rotation, as before.
alter table oauth_clients add column modified_at timestamp with time zone;
-- Tokens issued before this are ended: a PUT that took a scope, a role or the grant type away. Kept apart
-- from secret_rotated_at, which a PUT never writes (a PUT racing a rotation cannot move it back).
alter table oauth_clients add column tokens_valid_from timestamp with time zone;
