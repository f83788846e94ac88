// The fedlink dashboard: polls api/status every second and redraws. No libraries; the chart is plain SVG.
'use strict';
(function () {
  const POLL_MS = 1000;
  const SVG = 'http://www.w3.org/2000/svg';
  const CHART = { width: 1080, height: 300, left: 48, right: 16, top: 14, bottom: 34 };
  const SERIES = ['loss', 'accuracy'];

  const byId = (id) => document.getElementById(id);
  const setText = (id, value) => { byId(id).textContent = value; };
  const dash = '–';

  async function poll() {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      render(await response.json());
      byId('error').hidden = true;
    } catch (error) {
      byId('error').hidden = false;
      setText('error', 'Cannot reach the coordinator (' + error.message + '); retrying every second.');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  function render(status) {
    const state = byId('state');
    state.textContent = status.state;
    state.className = 'badge ' + status.state.replace(/\s+/g, '-');
    setText('updated', 'updated ' + new Date().toLocaleTimeString());
    setText('client-count', status.connectedClients);
    setText('min-clients', status.minClients);
    renderRound(status);
    renderClients(status.clients);
    renderChart(status.history, status.rounds);
    renderRounds(status.history);
  }

  function renderRound(status) {
    const current = status.current;
    const last = status.history.length ? status.history[status.history.length - 1].round : 0;
    setText('round', (current ? current.round : last) + '/' + status.rounds);
    setText('round-note', current ? 'in progress' : status.state === 'training' ? 'between rounds' : status.state);
    setText('replies', current ? current.fitReplies + '/' + current.clientsAsked : dash);
    setText('failures', current ? current.fitFailures : dash);
    setText('stragglers', current ? current.stragglers : dash);
  }

  function renderClients(clients) {
    const rows = clients.map((client) => row([
      { text: client.id.slice(0, 8), title: client.id, mono: true },
      { text: client.peer.replace(/^\//, ''), mono: true },
      { text: since(client.connectedSince) },
      { text: client.instructionInFlight || 'idle', mono: !!client.instructionInFlight },
    ], { 'data-client-id': client.id }));
    replaceRows('clients', rows, 4, 'no client connected');
  }

  function renderRounds(history) {
    const rows = history.slice().reverse().map((round) => row([
      { text: round.round },
      { text: round.status },
      { text: round.fitReplies + '/' + round.clientsAsked },
      { text: round.failures },
      { text: number(round.loss) },
      { text: number(round.accuracy) },
      { text: round.seconds.toFixed(round.seconds < 10 ? 2 : 1) + ' s' },
    ], { 'data-round': round.round }));
    replaceRows('rounds', rows, 7, 'no round has ended yet');
  }

  function row(cells, attributes) {
    const tr = document.createElement('tr');
    Object.entries(attributes).forEach(([name, value]) => tr.setAttribute(name, value));
    cells.forEach((cell) => {
      const td = document.createElement('td');
      td.textContent = cell.text;
      if (cell.title) td.title = cell.title;
      if (cell.mono) td.className = 'mono';
      tr.appendChild(td);
    });
    return tr;
  }

  function replaceRows(id, rows, columns, emptyText) {
    if (!rows.length) {
      rows = [row([{ text: emptyText }], {})];
      rows[0].firstChild.colSpan = columns;
      rows[0].firstChild.className = 'muted';
    }
    byId(id).replaceChildren(...rows);
  }

  function renderChart(history, rounds) {
    const svg = byId('chart');
    const c = CHART;
    const plotWidth = c.width - c.left - c.right;
    const plotHeight = c.height - c.top - c.bottom;
    const lastRound = Math.max(rounds, 1, ...history.map((r) => r.round));
    const maxY = Math.max(1, Math.ceil(Math.max(...history.map((r) => r.loss || 0)) * 4) / 4);
    const x = (round) => c.left + (lastRound === 1 ? plotWidth / 2 : (round - 1) / (lastRound - 1) * plotWidth);
    const y = (value) => c.top + (1 - value / maxY) * plotHeight;
    const nodes = [];

    for (let i = 0; i <= 4; i++) {
      const value = maxY * i / 4;
      nodes.push(svgNode('line', { class: 'grid', x1: c.left, x2: c.width - c.right, y1: y(value), y2: y(value) }));
      nodes.push(svgNode('text', { class: 'axis-label', x: c.left - 6, y: y(value) + 4, 'text-anchor': 'end' },
        value.toFixed(2)));
    }
    const step = Math.ceil(lastRound / 15);
    for (let round = 1; round <= lastRound; round += step) {
      nodes.push(svgNode('text', { class: 'axis-label', x: x(round), y: c.height - c.bottom + 16, 'text-anchor': 'middle' },
        String(round)));
    }
    nodes.push(svgNode('text', { class: 'axis-label', x: c.left + plotWidth / 2, y: c.height - 2, 'text-anchor': 'middle' },
      'round'));

    SERIES.forEach((name) => {
      const points = history.filter((r) => r[name] !== null && r[name] !== undefined);
      if (points.length > 1) {
        nodes.push(svgNode('polyline', {
          class: 'series ' + name,
          points: points.map((r) => x(r.round) + ',' + y(r[name])).join(' '),
        }));
      }
      points.forEach((r) => {
        const point = svgNode('circle', { class: 'point ' + name, cx: x(r.round), cy: y(r[name]), r: 3.5, 'data-round': r.round });
        point.appendChild(svgNode('title', {}, name + ' ' + number(r[name]) + ' after round ' + r.round));
        nodes.push(point);
      });
    });
    if (!history.some((r) => r.loss !== null || r.accuracy !== null)) {
      nodes.push(svgNode('text', { class: 'empty', x: c.left + plotWidth / 2, y: c.top + plotHeight / 2, 'text-anchor': 'middle' },
        'no evaluated round yet'));
    }
    svg.replaceChildren(...nodes);
  }

  function svgNode(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function number(value) {
    return value === null || value === undefined ? dash : value.toFixed(3);
  }

  function since(iso) {
    const started = new Date(iso);
    const seconds = Math.max(0, Math.round((Date.now() - started.getTime()) / 1000));
    const ago = seconds < 60 ? seconds + ' s' : Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    return started.toLocaleTimeString() + ' (' + ago + ' ago)';
  }

  poll();
})();
