'use strict';
// The ops console's browser side: polls /api/v1/overview about every second, lists and operates on
// dead letters, finds orders in the tracking store and lists callbacks given up. The token stays in sessionStorage (this tab only) and goes out as a bearer token.
(() => {
  const TOKEN_KEY = 'bss-ops-token';
  const POLL_MS = 1000;
  const $ = (selector) => document.querySelector(selector);
  let role;
  let pollTimer;

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(path, options = {}) {
    const response = await fetch(`/api/v1${path}`, {
      ...options,
      headers: { authorization: `Bearer ${token()}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) signOut('The token is not valid.');
    if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
    return body;
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
    return node;
  }

  const RATE_SOURCES = {
    processors: "the processors' delivery counters and the live ready depth, over the last 3 s",
    management: 'the management API (no processor metrics for this type): lags by its refresh interval, over the last 10 s',
  };

  const rate = (value) => (value === null || value === undefined ? '–' : `${value.toFixed(1)}/s`);

  function duration(seconds) {
    if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
    return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  }

  // The server says why a figure is missing; an operator must never read a guess as a measurement.
  function estimate(value) {
    if (value.seconds !== null) return duration(value.seconds);
    return value.infinite ? `∞ (${value.reason})` : `unknown (${value.reason})`;
  }

  function sparkline(values) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 100 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    if (values.length > 1) {
      const max = Math.max(1, ...values);
      const points = values.map((value, index) => `${((index / (values.length - 1)) * 100).toFixed(2)},${(38 - (value / max) * 36).toFixed(2)}`);
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', points.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', '#3b82f6');
      line.setAttribute('stroke-width', '1.5');
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.append(line);
    }
    return svg;
  }

  function renderCard(type) {
    const allowed = type.learnedLimit || type.backendBudget;
    const over = allowed && type.backendRate !== null && type.backendRate > allowed * 1.05;
    const card = element('article', { class: 'card', 'data-type': type.type },
      element('h3', {}, element('span', {}, type.type), element('span', { class: 'muted' }, type.queue)),
      element('div', { class: 'depth', 'data-depth': String(type.depth), title: 'ready + unacked' }, type.depth),
      sparkline(type.history.depth.slice(-120)),
      element('dl', {},
        element('dt', {}, 'ready / unacked'), element('dd', {}, `${type.ready} / ${type.unacked}`),
        element('dt', {}, 'consumers'), element('dd', { class: 'consumers' }, type.consumers),
        element('dt', {}, 'arrival'), element('dd', { class: 'arrival' }, rate(type.arrivalRate)),
        element('dt', {}, 'drain'), element('dd', { class: 'drain' }, rate(type.drainRate)),
        element('dt', {}, 'oldest waiting'),
        element('dd', { class: 'oldest-age', title: type.backlog.waitingOrders === null ? '' : `${type.backlog.waitingOrders} orders waiting, as the tracker sees them` },
          type.backlog.waitingOrders === 0 ? 'none waiting' : estimate(type.backlog.oldestAge)),
        element('dt', {}, 'time to drain'), element('dd', { class: 'drain-time', title: 'depth ÷ current drain rate' }, estimate(type.backlog.drainTime)),
        element('dt', {}, 'rates from'),
        element('dd', { class: 'rate-source', title: RATE_SOURCES[type.rateSource] ?? '' }, type.rateSource ?? '–'),
        element('dt', {}, 'retries scheduled'), element('dd', {}, rate(type.retryRate)),
        element('dt', {}, 'backend load / learned limit'),
        element('dd', { class: over ? 'over backend-load' : 'backend-load', title: 'calls per second now / the rate the replicas allow themselves' },
          `${rate(type.backendRate)} / ${type.learnedLimit === null ? '–' : `${rate(type.learnedLimit)}`}`),
        element('dt', {}, 'budget cap'),
        element('dd', { class: 'budget-cap' }, type.backendBudget === null ? '–' : type.backendBudget === 0 ? 'none' : `${type.backendBudget}/s`),
        element('dt', {}, 'dead letters (dead / replayed / purged)'),
        element('dd', { class: 'dead-count' }, `${type.deadLetters.dead} / ${type.deadLetters.replayed} / ${type.deadLetters.purged}`),
      ),
    );
    return card;
  }

  async function refreshOverview() {
    try {
      const overview = await api('/overview');
      $('#cards').replaceChildren(...overview.types.map(renderCard));
      $('#retries-total').textContent = overview.retries.total;
      $('#retries-queues').textContent = overview.retries.queues.map((queue) => `${queue.queue}: ${queue.depth}`).join(', ');
      $('#deferrals-total').textContent = overview.deferrals.total;
      $('#deferrals-queues').textContent = overview.deferrals.queues.map((queue) => `${queue.queue}: ${queue.depth}`).join(', ');
      $('#dlq-ready').textContent = overview.deadLetterQueue.ready;
      $('#problems').textContent = overview.problems.join(' · ');
      $('#sampled-at').textContent = overview.sampledAt ? `sampled ${new Date(overview.sampledAt).toLocaleTimeString()}` : 'waiting for the first sample';
      const typeSelect = $('#filter-type');
      if (typeSelect.options.length === 1) {
        for (const type of overview.types) typeSelect.append(element('option', { value: type.type }, type.type));
      }
    } catch (error) {
      $('#problems').textContent = `overview: ${error.message}`;
    }
  }

  const DETAIL_FIELDS = ['reason', 'nextAttemptAt', 'reference', 'actor'];

  function renderFoundOrder(order) {
    const fields = [
      ['state', `${order.state}${order.final ? ' (final)' : ''} since ${order.stateAt}`],
      ['attempt', order.attempt],
      ['accepted', order.acceptedAt ?? '–'],
      ['correlation id', order.correlationId ?? '–'],
      ['idempotency key', order.idempotencyKey ?? '–'],
      ['client', order.clientId ?? '–'],
      ['matched by', order.matchedBy.join(', ')],
    ];
    return element('article', { class: 'found-order', 'data-order-id': order.orderId },
      element('h3', {}, `${order.type} order ${order.orderId}`),
      element('dl', {}, ...fields.flatMap(([name, value]) => [element('dt', {}, name), element('dd', {}, value)])),
      ...(order.summary ? [element('pre', { class: 'summary' }, JSON.stringify(order.summary, null, 2))] : []),
      element('table', { class: 'timeline' },
        element('thead', {}, element('tr', {}, element('th', {}, 'state'), element('th', {}, 'time'), element('th', {}, 'attempt'), element('th', {}, 'detail'))),
        element('tbody', {}, ...order.timeline.map((entry) => element('tr', { 'data-state': entry.state },
          element('td', { class: 'state' }, entry.state), element('td', {}, entry.at),
          element('td', {}, entry.generation > 0 ? `${entry.attempt} (replay ${entry.generation})` : entry.attempt),
          element('td', {}, DETAIL_FIELDS.filter((field) => entry.detail?.[field]).map((field) => `${field}: ${entry.detail[field]}`).join('; '))))),
      ),
    );
  }

  async function findOrders(text) {
    $('#order-query').value = text;
    $('#order-search-result').textContent = 'searching…';
    try {
      const { orders } = await api(`/orders?${new URLSearchParams({ q: text })}`);
      $('#orders-found').replaceChildren(...orders.map(renderFoundOrder));
      $('#order-search-result').textContent = orders.length === 0 ? 'no order has this id, correlation id or idempotency key' : `${orders.length} found`;
    } catch (error) {
      $('#orders-found').replaceChildren();
      $('#order-search-result').textContent = `search: ${error.message}`;
    }
  }

  async function refreshCallbacks() {
    try {
      const { items, counts } = await api('/callbacks/undeliverable?limit=100');
      $('#callback-counts').textContent = `${counts.pending} pending · ${counts.delivered} delivered · ${counts.undeliverable} undeliverable`;
      $('#undeliverable-callbacks tbody').replaceChildren(
        ...items.map((item) => {
          const order = element('button', { type: 'button', class: 'link' }, item.orderId);
          order.addEventListener('click', () => findOrders(item.orderId));
          return element('tr', { 'data-order-id': item.orderId },
            element('td', {}, item.givenUpAt), element('td', {}, order), element('td', {}, item.clientId), element('td', {}, item.url),
            element('td', {}, item.attempts), element('td', { class: 'error-text', title: item.lastError ?? '' }, item.lastError ?? '–'));
        }),
      );
    } catch (error) {
      $('#callback-counts').textContent = `callbacks: ${error.message}`;
    }
  }

  function selectedIds() {
    return [...document.querySelectorAll('#dead-letters tbody input[type=checkbox]:checked')].map((box) => box.value);
  }

  function updateSelectionButtons() {
    const none = selectedIds().length === 0;
    $('#replay-selected').disabled = role !== 'operator' || none;
    $('#purge-selected').disabled = role !== 'operator' || none;
  }

  async function refreshDeadLetters() {
    const query = new URLSearchParams({ limit: '100' });
    if ($('#filter-type').value) query.set('type', $('#filter-type').value);
    if ($('#filter-reason').value.trim()) query.set('reason', $('#filter-reason').value.trim());
    if ($('#filter-state').value) query.set('state', $('#filter-state').value);
    try {
      const { items, total } = await api(`/dead-letters?${query}`);
      $('#dead-letters tbody').replaceChildren(
        ...items.map((item) => {
          const box = element('input', { type: 'checkbox', value: item.id, 'aria-label': `select ${item.id}` });
          if (item.state !== 'dead') box.disabled = true;
          box.addEventListener('change', updateSelectionButtons);
          const details = element('button', { type: 'button', class: 'show' }, 'Details');
          details.addEventListener('click', () => showDetail(item.id));
          return element('tr', { 'data-id': item.id, 'data-order-id': item.orderId ?? '', 'data-state': item.state },
            element('td', {}, box), element('td', {}, item.id), element('td', {}, item.orderId ?? '–'), element('td', {}, item.type),
            element('td', { class: 'error-text', title: item.lastError ?? '' }, item.reason), element('td', {}, item.attempts ?? '–'),
            element('td', {}, item.deadLetteredAt), element('td', { class: 'state' }, item.state), element('td', {}, details));
        }),
      );
      $('#dead-letter-count').textContent = `${items.length} of ${total} shown`;
      $('#select-all').checked = false;
      updateSelectionButtons();
    } catch (error) {
      $('#action-result').textContent = `list: ${error.message}`;
    }
  }

  async function showDetail(id) {
    const detail = await api(`/dead-letters/${encodeURIComponent(id)}`);
    $('#detail').hidden = false;
    $('#detail').dataset.id = detail.id;
    $('#detail-id').textContent = `#${detail.id}`;
    const fields = ['orderId', 'type', 'state', 'reason', 'lastError', 'attempts', 'firstFailureAt', 'deadLetteredAt', 'sourceQueue', 'correlationId'];
    $('#detail-fields').replaceChildren(...fields.flatMap((field) => [element('dt', {}, field), element('dd', {}, detail[field] ?? '–')]));
    $('#detail-history').replaceChildren(
      ...detail.history.map((event) => element('li', {}, `${event.at} — ${event.event} by ${event.actor} (dead letter #${event.deadLetterId})`)),
    );
    $('#detail-body').textContent = detail.bodyEncoding === 'utf8' ? prettyJson(detail.body) : `(base64) ${detail.body}`;
    $('#detail-replay').disabled = role !== 'operator' || detail.state !== 'dead';
  }

  function prettyJson(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  function confirmPurge(text) {
    const dialog = $('#confirm-dialog');
    $('#confirm-text').textContent = text;
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
  }

  async function operate(action, selection, description) {
    if (action === 'purge' && !(await confirmPurge(`Purge ${description}? They stay in the history but cannot be replayed.`))) return;
    try {
      const body = action === 'purge' ? { ...selection, confirm: true } : selection;
      const result = await api(`/dead-letters/${action}`, { method: 'POST', body: JSON.stringify(body) });
      const verb = action === 'purge' ? 'purged' : 'replayed';
      $('#action-result').textContent = `${result.done.length} ${verb}${result.failed.length ? `, ${result.failed.length} failed: ${result.failed.map((failure) => `#${failure.id} ${failure.error}`).join('; ')}` : ''}`;
    } catch (error) {
      $('#action-result').textContent = `${action}: ${error.message}`;
    }
    await refreshDeadLetters();
    if (!$('#detail').hidden) await showDetail($('#detail').dataset.id);
  }

  function typeForBulk() {
    const type = $('#filter-type').value;
    if (!type) $('#action-result').textContent = 'choose a type in the filter first';
    return type;
  }

  function wire() {
    $('#login').addEventListener('submit', async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('#token').value.trim());
      await start();
    });
    $('#sign-out').addEventListener('click', () => signOut(''));
    $('#filters').addEventListener('submit', (event) => {
      event.preventDefault();
      void refreshDeadLetters();
    });
    $('#select-all').addEventListener('change', (event) => {
      for (const box of document.querySelectorAll('#dead-letters tbody input[type=checkbox]:not(:disabled)')) box.checked = event.target.checked;
      updateSelectionButtons();
    });
    $('#replay-selected').addEventListener('click', () => operate('replay', { ids: selectedIds() }, `${selectedIds().length} dead letters`));
    $('#purge-selected').addEventListener('click', () => operate('purge', { ids: selectedIds() }, `${selectedIds().length} dead letters`));
    $('#replay-type').addEventListener('click', () => typeForBulk() && operate('replay', { type: typeForBulk() }, `every dead ${typeForBulk()} letter`));
    $('#purge-type').addEventListener('click', () => typeForBulk() && operate('purge', { type: typeForBulk() }, `every dead ${typeForBulk()} letter`));
    $('#detail-replay').addEventListener('click', () => operate('replay', { ids: [$('#detail').dataset.id] }, 'this dead letter'));
    $('#detail-close').addEventListener('click', () => ($('#detail').hidden = true));
    $('#order-search').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('#order-query').value.trim();
      if (text) void findOrders(text);
    });
    $('#callbacks-refresh').addEventListener('click', () => void refreshCallbacks());
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearTimeout(pollTimer);
    role = undefined;
    $('#console').hidden = true;
    $('#role').hidden = true;
    $('#sign-out').hidden = true;
    $('#login').hidden = false;
    $('#login-error').textContent = message;
  }

  async function start() {
    if (!token()) return signOut('');
    let identity;
    try {
      identity = await api('/whoami');
    } catch {
      return signOut('The token is not valid.');
    }
    role = identity.role;
    $('#login').hidden = true;
    $('#console').hidden = false;
    $('#sign-out').hidden = false;
    $('#role').hidden = false;
    $('#role').textContent = role;
    $('#role').className = `badge ${role}`;
    for (const button of document.querySelectorAll('button.operator')) {
      button.disabled = role !== 'operator';
      if (role !== 'operator') button.title = 'operator token required';
    }
    const poll = async () => {
      await refreshOverview();
      pollTimer = setTimeout(poll, POLL_MS);
    };
    await poll();
    await refreshDeadLetters();
    await refreshCallbacks();
  }

  wire();
  void start();
})();
