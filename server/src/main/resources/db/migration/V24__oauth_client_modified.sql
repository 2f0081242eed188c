-- When a client was last changed by a PUT (name, scopes, roles, lifetime...). Null for clients never
-- changed that way: their dateModified is their creation or last secret rotation, as before.
alter table oauth_clients add column modified_at timestamp with time zone;
