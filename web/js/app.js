// SPDX-License-Identifier: Apache-2.0
// app.js: the console's entry point. It asks /api/v1/me who is signed in (the session cookie
// is HttpOnly), draws the sign-in form or the shell, and routes the hash (#/reports/12) to a
// screen module. A screen module (js/screens/*.js, listed in js/screens/index.js) is
//   { path: '/reports/:id', title, roles: [...], nav: true|false, render(ctx) -> Node|Promise }
// where ctx = { me, params, api, go(path), refresh() }. The navigation shows the screens whose
// roles include the caller's; adding a screen is one module and one line in index.js.
import * as api from './api.js';
import { h, clear, notice } from './dom.js';
import { ROLE_LABELS } from './roles.js';
import screens from './screens/index.js';
import { loginScreen } from './screens/login.js';

const root = document.getElementById('app');
let me = null;
let renderSeq = 0;

function matchPath(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

function allowed(screen) {
  return me && screen.roles.includes(me.role);
}

function currentPath() {
  const hash = location.hash.replace(/^#/, '').split('?')[0];
  return hash.startsWith('/') ? hash : '/me';
}

function go(path) {
  if (currentPath() === path) route();
  else location.hash = `#${path}`;
}

function nav(path) {
  const items = screens.filter((s) => s.nav && allowed(s)).map((s) => {
    const active = path === s.path || path.startsWith(`${s.path}/`);
    return h('li', null, h('a', { href: `#${s.path}`, 'aria-current': active ? 'page' : false,
      'data-nav': s.path }, s.title));
  });
  return h('nav', { class: 'nav', 'aria-label': 'screens' }, h('ul', null, items));
}

function header() {
  const who = h('span', { class: 'who', 'data-testid': 'who' },
    h('strong', null, me.pseudonym), ` (${ROLE_LABELS[me.role] || me.role}`,
    me.name ? `, ${me.name}` : '', ')');
  const out = h('button', { type: 'button', class: 'link-button', 'data-testid': 'logout',
    onclick: async () => {
      try {
        await api.logout();
      } catch {
        /* the session is gone either way */
      }
      me = null;
      location.hash = '#/me';
      route();
    } }, 'Sign out');
  return h('header', { class: 'top' }, h('span', { class: 'brand' }, 'vigie'), who, out);
}

async function route() {
  const seq = ++renderSeq;
  if (!me) {
    clear(root).appendChild(loginScreen(async (name, password) => {
      me = await api.login(name, password);
      route();
    }));
    return;
  }
  const path = currentPath();
  let screen = null;
  let params = null;
  for (const s of screens) {
    if ((params = matchPath(s.path, path))) {
      screen = s;
      break;
    }
  }
  const main = h('main', { class: 'screen', id: 'screen', tabindex: '-1' });
  clear(root).append(header(), h('div', { class: 'body' }, nav(path), main));
  if (!screen) {
    main.append(notice('error', `No screen at ${path}.`));
    return;
  }
  if (!allowed(screen)) {
    main.append(notice('error', `Your role (${me.role}) may not open ${screen.title}.`));
    return;
  }
  document.title = `${screen.title} · vigie`;
  main.append(h('p', { class: 'loading' }, 'Loading…'));
  const ctx = { me, params, api, go, refresh: route };
  try {
    const node = await screen.render(ctx);
    if (seq !== renderSeq) return; // a newer navigation won
    clear(main).append(node);
  } catch (err) {
    if (seq !== renderSeq || !me) return;
    clear(main).append(notice('error', err.message || String(err)));
  }
}

api.setUnauthorizedHandler(() => {
  if (!me) return;
  me = null;
  route();
});

async function start() {
  try {
    me = await api.get('/api/v1/me');
  } catch {
    me = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
