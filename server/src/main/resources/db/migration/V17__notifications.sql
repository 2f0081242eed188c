-- Notification channels (Genesys's WebSocket channels) and their topics. In the database so that a
-- channel created through one node can be connected, and subscribed, through any other.
create table notification_channels (
  id          varchar(36) primary key,
  org_id      varchar(36) not null,
  client_id   varchar(36) not null,
  created_at  timestamp with time zone not null,
  expires_at  timestamp with time zone not null
);
create index notification_channels_owner on notification_channels (org_id, client_id, created_at);
create index notification_channels_expiry on notification_channels (expires_at);

create table notification_topics (
  channel_id  varchar(36)  not null references notification_channels (id) on delete cascade,
  topic       varchar(300) not null,
  added_at    timestamp with time zone not null,
  primary key (channel_id, topic)
);

-- Envelopes too large for a PostgreSQL NOTIFY payload (8000 bytes) between nodes: the notification
-- carries the row's id, the row is deleted after a minute.
create table notification_outbox (
  id          varchar(36) primary key,
  payload     text        not null,
  created_at  timestamp with time zone not null
);
create index notification_outbox_created on notification_outbox (created_at);
