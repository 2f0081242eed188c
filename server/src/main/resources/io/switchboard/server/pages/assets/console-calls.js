// Conversations and queues: the queues with their members, every agent's routing status, and live
// calls from the notification topics (a queue's calls, each agent's calls and routing status).
import { h, fill, describe, heading, table, when, all } from './console-kit.js';

let ctx;
let queuesBox;
let agentsBox;
let callsBox;
let liveBox;
let queues = [];
const users = new Map(); // id -> {name, status, since}
const calls = new Map(); // conversation id -> {conversation, queueId, seen}
let subscribed = false;
let live = null; // the notification channel
const MAX_WATCHED_CALLS = 500;

export async function mount(panel, context) {
  ctx = context;
  liveBox = h('p', { class: 'hint', id: 'calls-live', 'aria-live': 'polite' }, 'Connecting to live updates…');
  queuesBox = h('div', { id: 'queues' }, 'Loading queues…');
  agentsBox = h('div', { id: 'agents' }, 'Loading agents…');
  callsBox = h('div', { id: 'live-calls' });
  fill(panel, heading(2, 'Queues'), queuesBox, heading(2, 'Live calls'), liveBox, callsBox, heading(2, 'Agents'), agentsBox);
  await load();
  startPolling();
}

let poller = null;

export function show() {
  load();
  startPolling();
}

export function hide() {
  clearInterval(poller);
  poller = null;
}

/** Queue depth changes without an event too (a caller hanging up in queue): re-read every 5 s. */
function startPolling() {
  if (!poller) poller = setInterval(refreshDepth, 5000);
}

async function load() {
  try {
    queues = await all(ctx.api, '/api/v2/routing/queues', 200);
    const members = await Promise.all(queues.map((q) => all(ctx.api, `/api/v2/routing/queues/${q.id}/members`, 200).catch(() => [])));
    queues.forEach((q, i) => { q.members = members[i]; });
    await observe();
    const people = await all(ctx.api, '/api/v2/users', 200);
    await Promise.all(people.slice(0, 100).map(async (u) => {
      let st = null;
      try {
        st = await ctx.api('GET', `/api/v2/users/${u.id}/routingstatus`);
      } catch (e) {
        st = null;
      }
      users.set(u.id, { name: u.name, email: u.email, status: st ? st.status : 'unknown', since: st ? st.startTime : null });
    }));
  } catch (e) {
    fill(queuesBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  render();
  if (!subscribed) subscribe();
}

/** Queue depth from the queue observations (calls waiting now), at most 100 queues a query. */
async function observe() {
  for (let i = 0; i < queues.length; i += 100) {
    const part = queues.slice(i, i + 100);
    const r = await ctx.api('POST', '/api/v2/analytics/queues/observations/query', {
      filter: { type: 'or', predicates: part.map((q) => ({ dimension: 'queueId', value: q.id })) },
      metrics: ['oWaiting', 'oOnQueueUsers'],
    });
    for (const result of r.results || []) {
      const q = queues.find((x) => x.id === result.group.queueId);
      if (!q) continue;
      q.waiting = 0;
      q.onQueue = {};
      for (const d of result.data || []) {
        if (d.metric === 'oWaiting') q.waiting = d.stats.count;
        else if (d.metric === 'oOnQueueUsers') q.onQueue[d.qualifier] = d.stats.count;
      }
    }
  }
}

let observing = null;
/** Re-reads the depth shortly after an event (coalesced: at most one query a second). */
function refreshDepth() {
  if (observing) return;
  observing = setTimeout(async () => {
    try {
      await observe();
      render();
    } catch (e) {
      liveBox.textContent = `Queue depth unavailable: ${describe(e)}`;
    } finally {
      observing = null;
    }
  }, 1000);
}

function subscribe() {
  subscribed = true;
  const topics = [];
  for (const q of queues) topics.push(`v2.routing.queues.${q.id}.conversations`);
  for (const id of users.keys()) {
    topics.push(`v2.users.${id}.routingStatus`);
    topics.push(`v2.users.${id}.conversations`);
  }
  if (!topics.length) {
    liveBox.textContent = 'No queues or agents to watch.';
    return;
  }
  try {
    live = ctx.channel(topics.slice(0, 400), (topic, body) => {
      const parts = topic.split('.');
      if (topic.endsWith('.routingStatus')) {
        const u = users.get(body.userId || parts[2]);
        if (u) { u.status = body.status; u.since = body.startTime; }
        refreshDepth();
      } else if (topic.startsWith('v2.routing.queues.')) {
        remember(body, parts[3]);
        refreshDepth();
      } else if (topic.endsWith('.conversations') || topic.startsWith('v2.conversations.')) {
        remember(body, null);
        refreshDepth();
      }
      render();
    });
    live.ready.then(() => {
      liveBox.textContent = `Live: watching ${topics.length} topics (calls appear as they are queued or change).`;
    });
  } catch (e) {
    liveBox.textContent = `Live updates unavailable: ${describe(e)}`;
  }
}

function remember(conversation, queueId) {
  if (!conversation || !conversation.id) return;
  const was = calls.get(conversation.id);
  const queue = queueId || (was && was.queueId)
    || ((conversation.participants || []).find((p) => p.queueId) || {}).queueId || null;
  calls.set(conversation.id, { conversation, queueId: queue, seen: Date.now() });
  // Follow each call seen to its end (a caller hanging up in queue is announced on its own topic).
  if (!was && live && calls.size <= MAX_WATCHED_CALLS) live.add(`v2.conversations.${conversation.id}`).catch(() => {});
}

function ended(c) {
  return ['disconnected', 'terminated'].includes(c.state) || !!c.endTime;
}

function waiting(c) {
  // Queued and not yet given to an agent: no agent participant that is alerting or connected.
  return !ended(c) && !(c.participants || []).some((p) => p.purpose === 'agent' && ['alerting', 'connected'].includes(p.state));
}

function render() {
  const live = [...calls.values()].filter((x) => !ended(x.conversation));
  const queueName = new Map(queues.map((q) => [q.id, q.name]));
  fill(callsBox, live.length ? table(null, [
    { title: 'Call', cell: (x) => x.conversation.id },
    { title: 'From', cell: (x) => ((x.conversation.participants || []).find((p) => p.purpose === 'customer') || {}).ani || '' },
    { title: 'Queue', cell: (x) => queueName.get(x.queueId) || '' },
    { title: 'State', cell: (x) => (waiting(x.conversation) ? 'waiting' : x.conversation.state) },
    { title: 'Agent', cell: (x) => { const a = (x.conversation.participants || []).find((p) => p.purpose === 'agent'); return a ? ((users.get(a.userId) || {}).name || a.userId) : ''; } },
    { title: 'Since', cell: (x) => when(x.conversation.startTime) },
  ], live) : h('p', {}, 'No live calls seen since this page opened.'));
  fill(queuesBox, queues.length ? table(null, [
    { title: 'Queue', cell: (q) => q.name },
    { title: 'Waiting', cell: (q) => h('span', { class: q.waiting ? 'chip deadline' : 'chip', 'data-queue-depth': q.name }, String(q.waiting ?? '?')) },
    { title: 'On queue', cell: (q) => Object.entries(q.onQueue || {}).map(([s, n]) => `${n} ${s}`).join(', ') || 'nobody' },
    { title: 'Members', cell: (q) => `${q.memberCount} (${q.joinedMemberCount} joined)` },
    { title: 'Agents on queue', cell: (q) => (q.members || []).map((m) => h('span', { class: `chip status ${statusOf(m.id, m.routingStatus)}` }, `${m.name}: ${statusOf(m.id, m.routingStatus)}`)) },
  ], queues) : h('p', {}, 'No queues.'));
  const people = [...users.entries()];
  fill(agentsBox, people.length ? table(null, [
    { title: 'Agent', cell: ([, u]) => u.name },
    { title: 'Username', cell: ([, u]) => u.email || '' },
    { title: 'Routing status', cell: ([, u]) => h('span', { class: `chip status ${u.status}` }, u.status) },
    { title: 'Since', cell: ([, u]) => when(u.since) },
  ], people) : h('p', {}, 'No users.'));
}

function statusOf(id, fallback) {
  const u = users.get(id);
  if (u && u.status && u.status !== 'unknown') return u.status;
  return fallback ? fallback.status : 'unknown';
}
