'use strict';
// Drives the official Genesys Cloud JavaScript SDK (purecloud-platform-client-v2), unchanged and through its
// public API only, against a running Switchboard, and prints what it saw as one JSON object on stdout:
// GenesysJsSdkIT prepares the data, runs this and asserts on that object. Any failure (a call rejected that
// should pass, an error that did not come) is printed to stderr and exits 1.
//
// Usage: node check.js '{"baseUrl":"http://127.0.0.1:8080","clientId":"...","clientSecret":"...",
//                        "draftScriptId":"...","publishedScriptId":"..."}'
const platformClient = require('purecloud-platform-client-v2');

const MISSING_ID = '00000000-0000-0000-0000-000000000000';

async function main(args) {
  const client = platformClient.ApiClient.instance;
  const base = new URL(args.baseUrl);
  // The SDK sends API calls to https://api.<environment> and logins to https://login.<environment>. Its
  // gateway setting sends both to one host instead, plain HTTP allowed: <gateway>/oauth/token and
  // <gateway>/api/v2/... (no path_params: Switchboard serves both at its root).
  client.setGateway({ host: base.hostname, protocol: base.protocol.replace(/:$/, ''), port: Number(base.port) });

  const seen = {};
  const auth = await client.loginClientCredentialsGrant(args.clientId, args.clientSecret);
  seen.login = {
    tokenLength: auth.accessToken ? auth.accessToken.length : 0,
    // From the token answer's expires_in; NaN (printed as null) when the field is missing.
    expiresInSeconds: Math.round((auth.tokenExpiryTime - Date.now()) / 1000),
  };

  const scriptsApi = new platformClient.ScriptsApi();
  const usersApi = new platformClient.UsersApi();
  const routingApi = new platformClient.RoutingApi();
  const conversationsApi = new platformClient.ConversationsApi();
  const architectApi = new platformClient.ArchitectApi();
  const notificationsApi = new platformClient.NotificationsApi();
  const tokensApi = new platformClient.TokensApi();
  const organizationApi = new platformClient.OrganizationApi();

  seen.scripts = await section('scripts', () => scripts(scriptsApi, args));
  seen.users = await section('users', () => users(usersApi));
  const agentId = seen.users.id;
  seen.routing = await section('routing', () => routing(routingApi, usersApi, agentId));
  seen.conversation = await section('conversation', () => conversation(conversationsApi, routingApi, agentId));
  seen.flows = await section('flows', () => flows(architectApi));
  seen.notifications = await section('notifications', () => notifications(notificationsApi, agentId));
  seen.limits = await section('limits', () => limits(organizationApi));
  seen.errors = await section('errors', () => errors(client, scriptsApi, routingApi));
  seen.rateLimited = await section('rateLimited', () => rateLimited(client, tokensApi));
  return seen;
}

/** Runs one part, naming it in the failure: the SDK rejects with the bare ErrorBody, which names no call. */
async function section(name, part) {
  try {
    return await part();
  } catch (e) {
    throw new Error(`${name}: ${describe(e)}`);
  }
}

function describe(e) {
  return e instanceof Error ? e.stack : JSON.stringify(e);
}

async function scripts(api, args) {
  const draft = await api.getScript(args.draftScriptId);
  const listing = await api.getScripts({
    pageSize: 25, pageNumber: 1, name: draft.name.slice(0, 5), sortBy: 'name', sortOrder: 'ascending',
  });
  const pages = await api.getScriptPages(args.draftScriptId);
  const page = await api.getScriptPage(args.draftScriptId, pages[1].id);

  const published = await api.getScriptsPublishedScriptId(args.publishedScriptId);
  const sameVersion = await api.getScriptsPublishedScriptId(args.publishedScriptId, {
    scriptDataVersion: published.versionId,
  });
  const publishedListing = await api.getScriptsPublished({ pageSize: 25, pageNumber: 1 });
  const publishedPages = await api.getScriptsPublishedScriptIdPages(args.publishedScriptId);
  const inputs = await api.getScriptsPublishedScriptIdVariables(args.publishedScriptId, { input: 'true' });

  // A write with a body: publish the draft.
  const publishedNow = await api.postScriptsPublished({ body: { scriptId: args.draftScriptId } });
  const draftPublished = await api.getScriptsPublishedScriptId(args.draftScriptId);

  return {
    draft: {
      id: draft.id, name: draft.name, versionId: draft.versionId, createdDate: draft.createdDate,
      startPageId: draft.startPageId, startPageName: draft.startPageName,
      pageIds: draft.pages.map((p) => p.id), variableCount: draft.variables.length, selfUri: draft.selfUri,
    },
    listing: {
      ids: listing.entities.map((s) => s.id), pageSize: listing.pageSize, pageNumber: listing.pageNumber,
      total: listing.total, pageCount: listing.pageCount, selfUri: listing.selfUri,
    },
    pageNames: pages.map((p) => p.name),
    page: { id: page.id, name: page.name, versionId: page.versionId, selfUri: page.selfUri },
    published: {
      id: published.id, name: published.name, versionId: published.versionId,
      publishedDate: published.publishedDate, pageCount: published.pages.length,
      sameVersionId: sameVersion.versionId,
    },
    publishedListingIds: publishedListing.entities.map((s) => s.id),
    publishedPageIds: publishedPages.map((p) => p.id),
    inputVariableNames: inputs.map((v) => v.name),
    publishedByTheSdk: {
      id: publishedNow.id, readBackId: draftPublished.id, publishedDate: draftPublished.publishedDate,
    },
  };
}

async function users(api) {
  const email = `js-sdk-${Date.now()}@example.com`;
  const created = await api.postUsers({ name: 'Js Sdk Agent', email });
  const read = await api.getUser(created.id);
  const listing = await api.getUsers({ pageSize: 100 });
  // id is multi-valued: the JS SDK joins the ids with commas; an empty array is sent as id=.
  const other = await api.postUsers({ name: 'Js Sdk Other', email: `js-sdk-other-${Date.now()}@example.com` });
  const byIds = await api.getUsers({ id: [other.id, created.id] });
  const byNoIds = await api.getUsers({ id: [] });
  // state: a deleted user is listed only when the listing asks for deleted (or any) users.
  await api.deleteUser(other.id);
  const deletedById = await api.getUsers({ id: [other.id], state: 'deleted' });
  const activeById = await api.getUsers({ id: [other.id] });
  return {
    id: created.id, name: read.name, email: read.email, state: read.state,
    divisionName: read.division && read.division.name, selfUri: read.selfUri,
    listed: listing.entities.some((u) => u.id === created.id),
    otherId: other.id,
    byIds: { ids: byIds.entities.map((u) => u.id), total: byIds.total },
    byNoIds: { ids: byNoIds.entities.map((u) => u.id), total: byNoIds.total },
    byState: {
      deleted: deletedById.entities.map((u) => u.id), active: activeById.entities.map((u) => u.id),
    },
  };
}

async function routing(api, usersApi, agentId) {
  const code = await api.postRoutingWrapupcodes({ name: `Js resolved ${Date.now()}` });
  const renamed = await api.putRoutingWrapupcode(code.id, { name: `${code.name} (renamed)` });
  const readCode = await api.getRoutingWrapupcode(code.id);
  const queue = await api.postRoutingQueues({ name: `Js queue ${Date.now()}`, description: 'from the JS SDK' });
  const readQueue = await api.getRoutingQueue(queue.id);
  const queues = await api.getRoutingQueues({ name: queue.name });
  const otherQueue = await api.postRoutingQueues({ name: `Js other queue ${Date.now()}` });
  const queuesByIds = await api.getRoutingQueues({ id: [queue.id, otherQueue.id] });
  const status = await usersApi.putUserRoutingstatus(agentId, { status: 'IDLE' });
  const readStatus = await usersApi.getUserRoutingstatus(agentId);
  // The members listing's routingStatus filter, an array as the SDK sends it.
  await api.postRoutingQueueMembers(queue.id, [{ id: agentId }]);
  const idleMembers = await api.getRoutingQueueMembers(queue.id, { routingStatus: ['IDLE', 'INTERACTING'] });
  const offQueueMembers = await api.getRoutingQueueMembers(queue.id, { routingStatus: ['OFF_QUEUE'] });
  const deleted = await api.deleteRoutingWrapupcode(code.id);
  const gone = await rejection(() => api.getRoutingWrapupcode(code.id));
  return {
    wrapupCode: {
      id: code.id, created: code.name, renamed: renamed.name, read: readCode.name,
      dateCreated: readCode.dateCreated, deleteAnswer: deleted === undefined ? null : deleted,
      afterDelete: errorBody(gone),
    },
    queue: {
      id: queue.id, name: readQueue.name, description: readQueue.description,
      divisionName: readQueue.division && readQueue.division.name, listedIds: queues.entities.map((q) => q.id),
      otherId: otherQueue.id, byIds: queuesByIds.entities.map((q) => q.id), byIdsTotal: queuesByIds.total,
    },
    routingStatus: { set: status.status, read: readStatus.status, userId: readStatus.userId },
    members: {
      idle: idleMembers.entities.map((m) => m.id), offQueue: offQueueMembers.entities.map((m) => m.id),
    },
  };
}

async function conversation(api, routingApi, agentId) {
  const code = await routingApi.postRoutingWrapupcodes({ name: `Js wrapup ${Date.now()}` });
  const created = await api.postConversationsCalls({
    phoneNumber: '+15550123', callerId: '+15550100', callerIdName: 'Js support', callUserId: agentId,
  });
  const live = await api.getConversation(created.id);
  const agent = live.participants.find((p) => p.purpose === 'agent');
  await api.postConversationDisconnect(created.id);
  await api.postConversationsCallParticipantCommunicationWrapup(created.id, agent.id, agent.calls[0].id, {
    body: { code: code.id, notes: 'via the JS SDK', durationSeconds: 9 },
  });
  const wrapup = await api.getConversationParticipantWrapup(created.id, agent.id);
  const ended = await api.getConversation(created.id);
  const endedAgent = ended.participants.find((p) => p.purpose === 'agent');
  return {
    id: created.id, codeId: code.id,
    live: {
      state: live.state, startTime: live.startTime, purposes: live.participants.map((p) => p.purpose),
      agentUserId: agent.userId, agentCallState: agent.calls[0].state,
    },
    wrapup: {
      code: wrapup.code, notes: wrapup.notes, durationSeconds: wrapup.durationSeconds, endTime: wrapup.endTime,
    },
    ended: {
      state: ended.state, endTime: ended.endTime, agentWrapupCode: endedAgent.wrapup && endedAgent.wrapup.code,
      agentCallState: endedAgent.calls[0].state,
    },
  };
}

async function flows(api) {
  const created = await api.postFlows({
    name: `Js flow ${Date.now()}`, description: 'from the JS SDK', type: 'WORKFLOW',
  });
  const read = await api.getFlow(created.id);
  // type is a multi-valued query parameter: the JS SDK joins its values with commas.
  const oneType = await api.getFlows({ type: ['workflow'], pageSize: 100 });
  const twoTypes = await api.getFlows({ type: ['inboundcall', 'workflow'], pageSize: 100 });
  // Genesys flow types Switchboard has none of match none, alone or beside ours.
  const bots = await api.getFlows({ type: ['bot', 'digitalbot'] });
  const botsAndWorkflows = await api.getFlows({ type: ['bot', 'workflow'], pageSize: 100 });
  const other = await api.postFlows({ name: `Js other flow ${Date.now()}`, type: 'INBOUNDCALL' });
  const byIds = await api.getFlows({ id: [created.id, other.id] });
  return {
    id: created.id, name: read.name, description: read.description, type: read.type,
    divisionName: read.division && read.division.name, selfUri: read.selfUri,
    listedByOneType: oneType.entities.some((f) => f.id === created.id),
    listedByTwoTypes: twoTypes.entities.some((f) => f.id === created.id),
    botsTotal: bots.total,
    botsAndWorkflowsTypes: [...new Set(botsAndWorkflows.entities.map((f) => f.type))],
    listedByBotsAndWorkflows: botsAndWorkflows.entities.some((f) => f.id === created.id),
    otherId: other.id,
    byIds: { ids: byIds.entities.map((f) => f.id), total: byIds.total },
  };
}

async function notifications(api, agentId) {
  const topics = await api.getNotificationsAvailabletopics();
  const channel = await api.postNotificationsChannels();
  const topic = `v2.users.${agentId}.conversations`;
  const put = await api.putNotificationsChannelSubscriptions(channel.id, [{ id: topic }]);
  const read = await api.getNotificationsChannelSubscriptions(channel.id);
  const head = await api.headNotificationsChannel(channel.id);
  return {
    topicIds: topics.entities.map((t) => t.id),
    channel: { id: channel.id, connectUri: channel.connectUri, expires: channel.expires },
    subscribed: put.entities.map((t) => t.id), read: read.entities.map((t) => t.id),
    headAnswer: head === undefined ? null : head,
  };
}

async function limits(api) {
  const namespaces = await api.getOrganizationsLimitsNamespaces();
  const platform = await api.getOrganizationsLimitsNamespace('platform.api');
  return {
    namespaces: namespaces.entities.map((n) => n.name),
    platformApi: Object.fromEntries(platform.entities.map((l) => [l.key, l.value])),
  };
}

/** What the SDK rejects with: the parsed ErrorBody by default, status, headers and body when extended. */
async function errors(client, scriptsApi, routingApi) {
  const notFound = await rejection(() => scriptsApi.getScript(MISSING_ID));
  const invalid = await rejection(() => routingApi.postRoutingWrapupcodes({ name: '' }));
  client.setReturnExtendedResponses(true);
  try {
    const extended = await rejection(() => scriptsApi.getScript(MISSING_ID));
    return {
      notFound: errorBody(notFound),
      invalid: errorBody(invalid),
      extended: {
        status: extended.status, code: extended.body.code, contextId: extended.body.contextId,
        correlationId: extended.headers['inin-correlation-id'],
      },
    };
  } finally {
    client.setReturnExtendedResponses(false);
  }
}

/** The org's `oauth` endpoint group allows one request a minute: the second getTokensMe is refused. */
async function rateLimited(client, tokensApi) {
  const me = await tokensApi.getTokensMe();
  client.setReturnExtendedResponses(true);
  try {
    const started = Date.now();
    const refused = await rejection(() => tokensApi.getTokensMe());
    return {
      tokensMe: {
        organizationId: me.organization && me.organization.id, clientId: me.OAuthClient && me.OAuthClient.id,
      },
      status: refused.status,
      code: refused.body.code,
      retryAfter: refused.headers['retry-after'],
      retryAfterSecondsInBody: refused.body.messageParams && refused.body.messageParams.retryAfterSeconds,
      ratelimitAllowed: refused.headers['inin-ratelimit-allowed'],
      rejectedAfterMs: Date.now() - started,
    };
  } finally {
    client.setReturnExtendedResponses(false);
  }
}

async function rejection(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  throw new Error(`expected the call to be rejected: ${call}`);
}

function errorBody(e) {
  return { status: e.status, code: e.code, message: e.message, contextId: e.contextId };
}

main(JSON.parse(process.argv[2]))
  .then((seen) => process.stdout.write(`${JSON.stringify(seen)}\n`, () => process.exit(0)))
  .catch((e) => process.stderr.write(`${describe(e)}\n`, () => process.exit(1)));
