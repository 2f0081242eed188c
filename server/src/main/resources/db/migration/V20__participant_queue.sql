-- The queue a participant's call belongs to: the queue an ACD-routed call came from, or the queue an
-- outbound call is placed on behalf of (Genesys's callFromQueueId). Null for other participants.
alter table conversation_participants add column queue_id varchar(36);
