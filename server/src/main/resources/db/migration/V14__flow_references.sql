-- What the current published version of each flow uses: one row per referenced data action (external API)
-- or script. Publishing replaces the flow's rows in the same transaction that marks the version published;
-- deleting the flow drops them (cascade). A publish locks the referenced rows (select ... for update) before
-- writing these; with the foreign keys that decides the race with a delete of a data action or script: the
-- delete fails (409 flow.reference.in.use) or the publish does (409 flow.reference.gone). See docs/flows.md.
create table flow_references (
  flow_id         varchar(36) not null references flows (id) on delete cascade,
  org_id          varchar(36) not null,
  version_id      varchar(36) not null,
  external_api_id varchar(36) references external_apis (id),
  script_id       varchar(36) references scripts (id)
);
create index flow_references_flow on flow_references (flow_id);
create index flow_references_api on flow_references (external_api_id);
create index flow_references_script on flow_references (script_id);
