-- Integration data actions (/api/v2/integrations/actions, V18) that a flow's current published version
-- uses, recorded and guarded like its external APIs and scripts (V14): deleting an action, or an
-- integration with its actions, that a published flow uses is refused (409 flow.reference.in.use).
alter table flow_references add column action_id varchar(64);
alter table flow_references add constraint flow_references_action_fk
  foreign key (action_id) references integration_actions (id);
create index flow_references_action on flow_references (action_id);
