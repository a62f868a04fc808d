// The sandbox page: picks a demo user, sends commands, and polls for new and edited messages.
// Everything the server sends is shown with textContent (never innerHTML): no command or output can
// become markup.
'use strict';

(function () {
  const API = '/sandbox/api';
  const channel = document.getElementById('channel');
  const userSelect = document.getElementById('user');
  const form = document.getElementById('composer');
  const input = document.getElementById('command');
  const status = document.getElementById('status');
  const welcome = document.getElementById('welcome');
  const shown = new Map(); // message id -> element
  let revision = 0;
  let polling = false;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // Shows Slack-style `code` spans as <code>, built from text nodes only.
  function richText(className, text) {
    const e = el('div', className);
    String(text).split('`').forEach((part, i) => {
      if (i % 2 === 1) e.appendChild(el('code', null, part.trim()));
      else e.appendChild(document.createTextNode(part));
    });
    return e;
  }

  async function call(method, path, body) {
    const options = { method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-Switchboard-Sandbox'] = '1';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(answer.detail || ('HTTP ' + response.status));
      error.status = response.status;
      throw error;
    }
    return answer;
  }

  function render(message) {
    const bot = message.from === 'switchboard';
    const e = el('div', 'message ' + (bot ? 'bot' : 'user'));
    e.dataset.id = message.id;
    const head = el('div');
    head.appendChild(el('span', 'from', bot ? 'Switchboard' : message.from));
    if (typeof message.at === 'number') {
      // When the message was first shown, in the visitor's own time zone: "14:03:22", the date on hover.
      const at = new Date(message.at);
      const time = el('time', 'time', at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }));
      time.dateTime = at.toISOString();
      time.title = at.toLocaleString();
      head.appendChild(time);
    }
    if (message.ephemeral) head.appendChild(el('span', 'note', 'only visible to you'));
    e.appendChild(head);
    if (message.title !== undefined) {
      const card = el('div', 'card ' + message.status);
      card.dataset.status = message.status;
      card.appendChild(el('div', 'title', message.title));
      card.appendChild(el('div', 'state', message.reference + ': ' + message.status));
      const fields = (message.fields || []).map(f => f.label + ': ' + f.value).join(' · ');
      if (fields) card.appendChild(el('div', 'fields', fields));
      (message.sections || []).forEach(s => card.appendChild(el('div', 'text', s)));
      if (message.output !== undefined) card.appendChild(el('pre', 'output', message.output));
      e.appendChild(card);
    } else {
      const text = richText('text', message.text || '');
      if (message.status) text.dataset.status = message.status;
      e.appendChild(text);
    }
    const buttons = message.buttons || [];
    if (buttons.length) {
      const row = el('div', 'buttons');
      buttons.forEach(b => {
        const button = el('button', b.action === 'approve' ? 'primary' : 'danger', b.label);
        button.type = 'button';
        button.addEventListener('click', () => vote(b.approval, b.action));
        row.appendChild(button);
      });
      e.appendChild(row);
    }
    return e;
  }

  function show(messages) {
    messages.forEach(message => {
      const e = render(message);
      const old = shown.get(message.id);
      if (old) old.replaceWith(e); else channel.appendChild(e);
      shown.set(message.id, e);
      revision = Math.max(revision, message.revision);
    });
    if (messages.length) channel.scrollTop = channel.scrollHeight;
  }

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const answer = await call('GET', '/messages?since=' + revision);
      show(answer.messages);
      status.textContent = '';
    } catch (e) {
      if (e.status === 401) {
        await restart();
      } else {
        status.textContent = 'Could not reach Switchboard: ' + e.message;
      }
    } finally {
      polling = false;
    }
  }

  async function vote(approval, action) {
    try {
      await call('POST', '/approvals/' + encodeURIComponent(approval) + '/' + action, {});
    } catch (e) {
      status.textContent = e.message;
    }
    poll();
  }

  /** The session is gone (deleted after a day without messages): start a new, empty channel. */
  async function restart() {
    shown.clear();
    channel.replaceChildren(welcome);
    revision = 0;
    await pick(userSelect.value).catch(e => { status.textContent = e.message; });
    status.textContent = 'Your earlier sandbox session expired; this is a new one.';
  }

  async function pick(user) {
    const answer = await call('POST', '/session', { user });
    userSelect.value = answer.user;
  }

  async function start() {
    const me = await call('GET', '/session');
    me.users.forEach(u => userSelect.appendChild(el('option', null, u)));
    if (me.user) userSelect.value = me.user; else await pick(me.users[0]);
    userSelect.addEventListener('change', () => pick(userSelect.value).catch(e => { status.textContent = e.message; }));
    document.querySelectorAll('button.suggestion').forEach(button => button.addEventListener('click', () => {
      input.value = button.dataset.command;
      input.focus();
    }));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      try {
        await call('POST', '/commands', { text, id: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(36).slice(2)) });
      } catch (e) {
        status.textContent = e.message;
      }
      poll();
    });
    await poll();
    setInterval(poll, 1000);
  }

  start().catch(e => { status.textContent = 'Could not start the sandbox: ' + e.message; });
}());
