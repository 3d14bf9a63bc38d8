// SPDX-License-Identifier: Apache-2.0
// login.js: the sign-in form. "wrong name or password" never says which (the server's rule);
// after too many failures the server answers 429 and the form says how long to wait.
import { h, field, notice } from '../dom.js';

export function loginScreen(signIn) {
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, maxlength: 1024 });
  const message = h('div', { class: 'form-message' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card login', 'aria-label': 'sign in' },
    h('h1', null, 'vigie'),
    h('p', { class: 'muted' }, 'Casework console. Sign in with the name and password your administrator gave you.'),
    field('Name', name), field('Password', password), message, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    message.replaceChildren(h('p', { class: 'loading' }, 'Signing in…'));
    try {
      await signIn(name.value, password.value);
    } catch (err) {
      const text = err.status === 429
        ? `Too many failed sign-ins: try again in ${err.retryAfter || 'a few'} seconds.`
        : err.message;
      message.replaceChildren(notice('error', text));
      password.value = '';
      button.disabled = false;
      password.focus();
    }
  });
  queueMicrotask(() => name.focus());
  return h('div', { class: 'login-page' }, form);
}
