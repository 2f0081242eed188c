// Clients and roles: the org's OAuth clients and roles, and secret rotation. A new secret is shown
// once, in this page only (never stored: not in storage, not in the URL), with a copy button.
import { h, fill, notice, describe, busy, heading, table, when, all } from './console-kit.js';

let ctx;
let clientsBox;
let rolesBox;
let secretBox;

export async function mount(panel, context) {
  ctx = context;
  secretBox = h('div', { id: 'new-secret', 'aria-live': 'assertive' });
  clientsBox = h('div', { id: 'oauth-clients' }, 'Loading clients…');
  rolesBox = h('div', { id: 'roles' }, 'Loading roles…');
  fill(panel, heading(2, 'OAuth clients'), secretBox, clientsBox, heading(2, 'Roles'), rolesBox);
  await Promise.all([loadClients(), loadRoles()]);
}

async function loadClients() {
  let list;
  let roles = [];
  try {
    list = await all(ctx.api, '/api/v2/oauth/clients', 500);
    roles = await all(ctx.api, '/api/v2/authorization/roles', 500).catch(() => []);
  } catch (e) {
    fill(clientsBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  const roleName = new Map(roles.map((r) => [r.id, r.name]));
  const canRotate = ctx.can('oauth');
  fill(clientsBox, table(null, [
    { title: 'Name', cell: (c) => c.name },
    { title: 'Grant', cell: (c) => c.authorizedGrantType },
    { title: 'Scopes', cell: (c) => h('span', { title: (c.scope || []).join(' ') }, `${(c.scope || []).length} scope${(c.scope || []).length === 1 ? '' : 's'}`) },
    { title: 'Roles', cell: (c) => (c.roleIds || []).map((id) => roleName.get(id) || id).join(', ') },
    { title: 'Secret rotated', cell: (c) => when(c.secretRotatedDate) || 'never' },
    {
      title: 'Secret',
      cell: (c) => (canRotate
        ? h('button', { type: 'button', class: 'secondary', 'data-rotate': c.id, onclick: (ev) => busy(ev.currentTarget, () => rotate(c)) }, 'Rotate secret')
        : ''),
    },
  ], list));
}

async function rotate(c) {
  // eslint-disable-next-line no-alert
  if (!window.confirm(`Rotate the secret of “${c.name}”? Its current secret and every token issued with it stop working.`)) return;
  let r;
  try {
    r = await ctx.api('POST', `/api/v2/oauth/clients/${c.id}/secret`);
  } catch (e) {
    notice(`Not rotated: ${describe(e)}`, 'error');
    return;
  }
  const box = h('input', { type: 'text', readonly: true, class: 'secret', id: 'secret-value', 'aria-label': `New secret of ${c.name}`, size: 48, autocomplete: 'off' });
  box.value = r.secret; // kept in this element only, removed on "Done"
  const copy = h('button', { type: 'button', id: 'secret-copy' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(box.value);
      notice('Secret copied.');
    } catch (e) {
      box.select();
      notice('Select the secret and copy it (the clipboard is not available here).');
    }
  });
  const done = h('button', { type: 'button', class: 'secondary' }, 'Done');
  done.addEventListener('click', () => { box.value = ''; fill(secretBox); });
  fill(secretBox, h('div', { class: 'card warn' },
    h('p', {}, h('strong', {}, `New secret of “${c.name}”. `), 'It is shown this once: copy it now; it cannot be read again.'),
    h('div', { class: 'actions' }, box, copy, done)));
  box.focus();
  box.select();
  loadClients();
}

async function loadRoles() {
  let list;
  try {
    list = await all(ctx.api, '/api/v2/authorization/roles', 500);
  } catch (e) {
    fill(rolesBox, h('p', { class: 'error' }, describe(e)));
    return;
  }
  fill(rolesBox, table(null, [
    { title: 'Role', cell: (r) => r.name },
    { title: 'Kind', cell: (r) => (r.base ? 'built-in' : 'custom') },
    { title: 'Description', cell: (r) => r.description || '' },
    { title: 'Scopes', cell: (r) => h('span', { class: 'scopes' }, (r.scopes || []).join(' ')) },
  ], list));
}
