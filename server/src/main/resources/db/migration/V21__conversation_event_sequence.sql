-- Each announced change of a conversation takes the next number of its row, in the change's own
-- transaction (under the row's lock): notification sockets order a conversation's events by it,
-- also when they reach a socket through other nodes (see docs/notifications.md).
alter table conversations add column event_seq bigint default 0 not null;
