-- The access token that made each channel: GET /api/v2/notifications/channels lists, by default
-- (includechannels=token, as Genesys), only the calling token's channels. Channels made before this
-- have none and are listed only with includechannels=oauthclient. Token ids are UUIDs (36).
alter table notification_channels add column token_id varchar(64);
