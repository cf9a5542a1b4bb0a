/**
 * The preview page's script (inlined by page.ts). What the editor is looking at lives in the URL
 * (`view`, `width`, `week`), so a reload or a shared link shows the same thing; the test address
 * lives in localStorage. It talks only to its own server: GETs for content, JSON POSTs for actions.
 * Steering (lead, order, drops, subject, preheader, intro) posts to /api/issue with the version
 * of the issue file it showed, and the live reload shows the result.
 */
export const PREVIEW_SCRIPT = `
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const PRESETS = { desktop: 700, mobile: 375 };
  const MIN_WIDTH = 280;
  const MAX_WIDTH = 1600;
  const ADDRESS_KEY = 'digest-preview.test-address';
  const VIEWS = ['desktop', 'mobile', 'dark', 'text', 'source', 'manifest'];
  let view = VIEWS.includes(params.get('view')) ? params.get('view') : 'desktop';
  let width = parseWidth(params.get('width'));
  let state = null;
  let version = -1;
  /** The issue file's version the next steering action is based on (the server refuses any other). */
  let issueVersion = null;
  let steering = false;
  /** The steering control last used: focus stays on it (or its story) while the lists are redrawn. */
  let focusKey = null;
  /** What the text form was last filled with, so a refresh never overwrites what the editor is typing. */
  const filled = { subject: '', preheader: '', intro: '' };
  const TEXT_FIELDS = ['subject', 'preheader', 'intro'];

  function parseWidth(value) {
    const number = Math.round(Number(value));
    return value && Number.isFinite(number) ? Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, number)) : null;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function saveUrl() {
    history.replaceState(null, '', '?' + params.toString());
  }

  function frameWidth() {
    return width || (view === 'mobile' ? PRESETS.mobile : PRESETS.desktop);
  }

  function setView(next) {
    view = next;
    params.set('view', view);
    saveUrl();
    for (const button of document.querySelectorAll('.tabs button')) button.setAttribute('aria-pressed', String(button.dataset.view === view));
    const framed = view === 'desktop' || view === 'mobile' || view === 'dark';
    $('frame-wrap').hidden = !framed;
    $('width-control').hidden = !framed;
    $('code').hidden = framed;
    $('frame-wrap').style.background = view === 'dark' ? '#0b1120' : '#fff';
    showWidth();
    if (framed) loadFrame(); else loadCode();
  }

  /** Desktop and Mobile are preset widths; a width chosen by hand is kept in the URL until one is picked again. */
  function setWidth(next, remember) {
    width = next === null ? null : parseWidth(String(next));
    if (width === null) params.delete('width'); else params.set('width', String(width));
    if (remember) saveUrl();
    showWidth();
  }

  function showWidth() {
    const current = frameWidth();
    $('digest').style.width = current + 'px';
    if (document.activeElement !== $('width')) $('width').value = String(current);
    $('resize').setAttribute('aria-valuenow', String(current));
  }

  function loadFrame() {
    const frame = $('digest');
    let scroll = 0;
    try { scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0; } catch (error) { scroll = 0; }
    frame.onload = () => { try { frame.contentWindow.scrollTo(0, scroll); } catch (error) {} };
    frame.src = '/digest.html?v=' + version + (view === 'dark' ? '&dark=1' : '');
  }

  async function loadCode() {
    const code = $('code');
    const top = code.scrollTop;
    if (view === 'text') code.textContent = (state && state.text) || 'No digest for this period.';
    else if (view === 'manifest') code.textContent = state && state.manifest ? JSON.stringify(state.manifest, null, 2) : '';
    else code.textContent = await (await fetch('/digest.html?v=' + version)).text();
    code.scrollTop = top;
  }

  function render() {
    const manifest = state.manifest;
    // Lists are rebuilt below: keep the keyboard on the control that was used (it follows a moved story).
    const focused = (document.activeElement && document.activeElement.dataset && document.activeElement.dataset.steer) || focusKey;
    $('inbox-from').textContent = state.from;
    $('inbox-subject').textContent = manifest ? manifest.subject : '(no digest for this period)';
    $('inbox-preheader').textContent = manifest ? manifest.preheader : '';
    $('status').textContent = 'Built in ' + state.buildMs + ' ms · ' + new Date(state.builtAt).toLocaleTimeString();

    const week = $('week');
    const options = ['latest', ...state.weeks];
    if (!options.includes(state.week)) options.push(state.week);
    week.replaceChildren(...options.map((value) => { const option = el('option', '', value === 'latest' ? 'Latest week' : value); option.value = value; return option; }));
    week.value = state.week;
    params.set('week', state.week);
    saveUrl();

    const hasDigest = Boolean(manifest && state.text !== null);
    for (const id of ['copy-html', 'copy-text', 'download-html', 'download-text']) $(id).hidden = !hasDigest;

    $('checks').replaceChildren(...state.checks.map((check) => el('li', 'check ' + check.level, check.message)));

    renderIssueFile(manifest);

    const items = manifest ? manifest.items : [];
    $('items-heading').textContent = 'Items (' + items.length + ')';
    $('items').replaceChildren(...items.map((item, index) => {
      const li = el('li');
      const title = el('div', 'item-title', item.title);
      if (item.summary === 'extracted') title.append(el('span', 'badge', 'extracted'));
      const inspect = el('a', 'inspect', 'how it reads');
      inspect.href = '/api/inspect?file=' + encodeURIComponent(item.file);
      inspect.target = '_blank';
      inspect.rel = 'noopener';
      const meta = el('div', 'meta', [item.source, item.date.slice(0, 10), item.highlights.length + ' highlight' + (item.highlights.length === 1 ? '' : 's')].filter(Boolean).join(' · ') + ' · ');
      meta.append(inspect);
      li.append(title, meta);
      if (item.alsoReportedBy && item.alsoReportedBy.length > 0) li.append(el('div', 'meta', 'Also reported by: ' + item.alsoReportedBy.map((other) => other.source || other.file).join(', ')));
      if (state.steering) li.append(storyControls(item, index, items));
      return li;
    }));
    renderDropped();
    fillIssueText(manifest);
    if (focused) {
      const target = focusAfter(focused);
      if (target) target.focus();
    }

    const skipped = manifest ? manifest.skipped : [];
    $('skipped-heading').textContent = 'Skipped files (' + skipped.length + ')';
    $('skipped').replaceChildren(...skipped.map((entry) => {
      const li = el('li');
      li.append(el('div', 'item-title', entry.file), el('div', 'reason', entry.reason));
      return li;
    }));

    const overlay = $('overlay');
    overlay.hidden = !state.error;
    if (state.error) {
      $('overlay-where').textContent = state.error.file ? state.error.file + (state.error.line ? ':' + state.error.line : '') : '';
      $('overlay-message').textContent = state.error.message;
    }
  }

  // Where the keyboard goes after an action: the same control, else one that does not change the
  // issue on the next key press (never Lead), so pressing again never does something else.
  function focusAfter(key) {
    const byKey = (wanted) => [...document.querySelectorAll('[data-steer]')].find((node) => node.dataset.steer === wanted && !node.disabled);
    const split = key.indexOf(':');
    const kind = key.slice(0, split);
    const file = key.slice(split + 1);
    const next = {
      // A story moved to an end has that arrow disabled: the other arrow, then Drop.
      up: ['up:' + file, 'down:' + file, 'drop:' + file],
      down: ['down:' + file, 'up:' + file, 'drop:' + file],
      // A dropped story leaves the list: its Restore button; a restored one, its Drop button.
      drop: ['drop:' + file, 'restore:' + file],
      restore: ['restore:' + file, 'drop:' + file],
      lead: ['lead:' + file],
    }[kind] || [key];
    for (const candidate of next) {
      const found = byKey(candidate);
      if (found) return found;
    }
    return null;
  }

  function steerButton(text, label, key, action, disabled) {
    const button = el('button', '', text);
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.dataset.steer = key;
    button.disabled = Boolean(disabled) || steering || Boolean(state.error);
    button.addEventListener('click', () => {
      focusKey = key;
      void steer(action, $('steer-result'));
    });
    return button;
  }

  // Lead, up, down and drop for one story. The lead stays first: it moves only once unpinned.
  function storyControls(item, index, items) {
    const lead = state.steering.lead;
    const isLead = item.file === lead;
    const name = '"' + item.title + '"';
    const box = el('div', 'steer');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Steer ' + name);
    const pin = steerButton('Lead', 'Lead story: ' + name, 'lead:' + item.file, isLead ? { action: 'unpin' } : { action: 'pin', file: item.file });
    pin.setAttribute('aria-pressed', String(isLead));
    const first = lead && items[0] && items[0].file === lead ? 1 : 0;
    box.append(
      pin,
      steerButton('↑', 'Move ' + name + ' up', 'up:' + item.file, { action: 'move', file: item.file, value: 'up' }, isLead || index <= first),
      steerButton('↓', 'Move ' + name + ' down', 'down:' + item.file, { action: 'move', file: item.file, value: 'down' }, isLead || index === items.length - 1),
      steerButton('Drop', 'Drop ' + name, 'drop:' + item.file, { action: 'drop', file: item.file }),
    );
    return box;
  }

  function renderDropped() {
    const dropped = state.steering ? state.steering.dropped : [];
    $('dropped-heading').hidden = dropped.length === 0;
    $('dropped-heading').textContent = 'Dropped (' + dropped.length + ')';
    const skipped = state.manifest ? state.manifest.skipped : [];
    $('dropped').replaceChildren(...dropped.map((file) => {
      // By its title, as the stories are; the file name stays in sight, smaller.
      const entry = skipped.find((candidate) => candidate.file === file);
      const title = (entry && entry.title) || file;
      const li = el('li');
      const restore = steerButton('Restore', 'Restore "' + title + '"', 'restore:' + file, { action: 'restore', file });
      restore.className = 'restore';
      const name = el('span', 'item-title', title);
      if (title !== file) name.append(el('span', 'meta', ' · ' + file));
      li.append(name, restore);
      return li;
    }));
  }

  // The form shows what the issue file sets; a field left empty uses the automatic text, shown as its placeholder.
  function fillIssueText(manifest) {
    const applied = manifest && manifest.issueFile ? manifest.issueFile.applied : {};
    const automatic = { subject: manifest ? manifest.subject : '', preheader: manifest ? manifest.preheader : '', intro: '' };
    for (const field of TEXT_FIELDS) {
      const input = $('issue-' + field);
      const value = applied[field] || '';
      if (input.value === filled[field]) input.value = value;
      filled[field] = value;
      input.placeholder = applied[field] ? '' : automatic[field];
      input.disabled = !state.steering || Boolean(state.error);
    }
  }

  /** One steering action; a stale or refused one says why in one line, and the page shows the file as it is. */
  async function steer(action, result) {
    if (steering) return false;
    steering = true;
    // Screen readers (and tests) learn that the list is changing until the action is done.
    $('items').setAttribute('aria-busy', 'true');
    result.textContent = 'Saving…';
    result.classList.remove('error');
    try {
      const response = await fetch('/api/issue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...action, base: issueVersion }) });
      const body = await response.json();
      if (!response.ok) {
        result.textContent = body.error;
        result.classList.add('error');
        return false;
      }
      issueVersion = body.issueFileVersion;
      const saved = body.written ? 'Saved to ' + state.issueFilePath : 'Nothing to change';
      result.textContent = saved;
      // A success needs no answer: on a phone it floats over the list, so it goes after a while.
      if (result.id === 'steer-result') setTimeout(() => { if (result.textContent === saved) result.textContent = ''; }, 4000);
      return true;
    } catch (error) {
      result.textContent = 'The preview did not answer: is it still running?';
      result.classList.add('error');
      return false;
    } finally {
      steering = false;
      await refresh(true).catch(() => {});
      focusKey = null;
      $('items').removeAttribute('aria-busy');
    }
  }

  async function saveIssueText() {
    const result = $('issue-text-result');
    const changed = TEXT_FIELDS.filter((field) => $('issue-' + field).value.trim() !== filled[field]);
    if (changed.length === 0) {
      result.textContent = 'Nothing to change';
      result.classList.remove('error');
      return;
    }
    // One field at a time, each based on the file the one before it wrote; a refusal says which
    // fields were saved before it, so nobody takes the form for all or nothing.
    const saved = [];
    for (const field of changed) {
      const input = $('issue-' + field);
      if (!(await steer({ action: 'edit', field, value: input.value }, result))) {
        if (saved.length > 0) result.textContent = 'Saved the ' + saved.join(' and the ') + '; not the ' + field + ': ' + result.textContent;
        return;
      }
      saved.push(field);
      // The field now says what the file says: a later change to the file may refill it.
      filled[field] = input.value;
    }
  }

  function renderCompatibility(compatibility) {
    const box = $('compatibility');
    if (!compatibility) return box.replaceChildren(el('p', 'meta', 'No digest for this period.'));
    if (compatibility.status === 'pending') return box.replaceChildren(el('p', 'meta', 'Checking against caniemail…'));
    if (compatibility.status === 'unavailable') return box.replaceChildren(el('p', 'hint', compatibility.reason));
    const report = compatibility.report;
    const intro = el('p', 'meta', 'Checked in ' + report.checked.join(', ') + ' (caniemail data of ' + report.dataDate + '). ');
    if (report.unsupported.length === 0) {
      intro.append('Every feature this HTML uses works in them.');
      return box.replaceChildren(intro);
    }
    intro.append(report.unsupported.length + ' feature' + (report.unsupported.length === 1 ? '' : 's') + ' some of them lack:');
    const list = el('ul', 'list');
    for (const feature of report.unsupported) {
      const details = el('details', 'feature');
      const summary = el('summary');
      summary.append(el('strong', '', feature.feature), ' — ' + feature.clients.map((client) => client.family).join(', '));
      if (!feature.fallback) { const badge = el('span', 'badge', 'check'); badge.title = 'No known fallback: look at the digest in these clients'; summary.append(badge); }
      details.append(summary);
      details.append(el('div', 'clients', 'Not supported in ' + feature.clients.map((client) => client.family + ' (' + client.platforms.join(', ') + ')').join('; ') + '.'));
      if (feature.fallback) details.append(el('div', 'fallback', 'Fallback, with the bundled templates: ' + feature.fallback));
      for (const note of feature.notes) details.append(el('div', 'meta', 'caniemail: ' + note));
      const where = el('div', 'meta');
      if (feature.line) where.append('First used at line ' + feature.line + ' of the HTML source. ');
      if (feature.url) {
        const link = el('a', '', 'On caniemail.com');
        link.href = feature.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        where.append(link);
      }
      details.append(where);
      const li = el('li');
      li.append(details);
      list.append(li);
    }
    const children = [intro, list];
    if (report.partial.length > 0) {
      const partial = el('details', 'partial');
      partial.append(el('summary', 'meta', report.partial.length + ' more partly supported'));
      partial.append(el('div', 'meta', report.partial.map((entry) => entry.feature + ' (' + entry.clients + ')').join(', ')));
      children.push(partial);
    }
    box.replaceChildren(...children);
  }

  function renderSpam(spam) {
    const box = $('spam');
    if (!spam) return box.replaceChildren(el('p', 'meta', 'No digest for this period.'));
    if (spam.status === 'pending') return box.replaceChildren(el('p', 'meta', 'Scoring the sample message with SpamAssassin (local tests only)…'));
    if (spam.status === 'missing') return box.replaceChildren(el('p', 'hint', spam.hint));
    if (spam.status === 'failed') return box.replaceChildren(el('p', 'reason', spam.message));
    const level = spam.score >= spam.required ? 'error' : spam.score >= spam.required / 2 ? 'warning' : 'ok';
    const score = el('p');
    score.append(el('span', 'score ' + level, spam.score.toFixed(1)), ' points; SpamAssassin calls ' + spam.required.toFixed(1) + ' spam (local tests only, ' + (spam.ms / 1000).toFixed(1) + ' s).');
    const rules = el('ul', 'list');
    for (const rule of spam.rules) {
      const li = el('li', 'rule');
      li.append(el('code', '', (rule.points > 0 ? '+' : '') + rule.points.toFixed(1) + ' ' + rule.rule), ' ' + rule.description);
      rules.append(li);
    }
    box.replaceChildren(score, rules);
  }

  async function loadReports() {
    const reports = await (await fetch('/api/reports')).json();
    renderCompatibility(reports.compatibility);
    renderSpam(reports.spam);
  }

  // What the issue file changed, its warnings, and the stories grouped from several briefings.
  function renderIssueFile(manifest) {
    const list = $('issue-file');
    const rows = [];
    const file = manifest && manifest.issueFile;
    if (file) {
      const applied = file.applied;
      rows.push(el('li', 'item-title', file.path));
      const changes = [
        applied.lead && ['Lead', applied.lead],
        applied.order.length > 0 && ['Order', applied.order.join(', ')],
        applied.dropped.length > 0 && ['Dropped', applied.dropped.join(', ')],
        applied.subject && ['Subject', applied.subject],
        applied.preheader && ['Preheader', applied.preheader],
        applied.intro && ['Intro', applied.intro],
        applied.maxItems && ['In full', 'the first ' + applied.maxItems + ' stories'],
      ].filter(Boolean);
      if (changes.length === 0) rows.push(el('li', 'meta', 'It changes nothing.'));
      for (const [label, value] of changes) {
        const li = el('li');
        li.append(el('span', 'meta', label + ': '), el('span', '', value));
        rows.push(li);
      }
      for (const warning of file.warnings) rows.push(el('li', 'check warning', warning));
    } else if (state.issueFilePath) {
      rows.push(el('li', 'meta', 'No ' + state.issueFilePath + ' in the source: add one to pick the lead, order, drops, subject, preheader, intro or maxItems.'));
    } else {
      rows.push(el('li', 'meta', 'This period has no issue file.'));
    }
    for (const group of (manifest && manifest.groups) || []) {
      const li = el('li');
      li.append(el('div', '', 'One story: ' + [group.kept, ...group.also].join(' + ')), el('div', 'meta', 'They share ' + group.shared.join(', ')));
      rows.push(li);
    }
    list.replaceChildren(...rows);
  }

  /** Shows the current build; when always is set, also the build already shown (to redraw the controls after an action). */
  async function refresh(always) {
    const next = await (await fetch('/api/state')).json();
    // Two refreshes can cross: never go back to an older build.
    if (next.version < version || (!always && next.version === version)) return;
    const sameBuild = next.version === version;
    state = next;
    version = state.version;
    issueVersion = state.issueFileVersion;
    render();
    if (sameBuild) return;
    setView(view);
    await loadReports();
  }

  async function chooseWeek(week) {
    const response = await fetch('/api/week', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ week }) });
    if (!response.ok) $('status').textContent = 'Week: ' + (await response.json()).error;
  }

  async function copy(what) {
    const result = $('copy-result');
    const text = what === 'HTML' ? await (await fetch('/digest.html?v=' + version)).text() : (state && state.text) || '';
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch (error) {
      // No Clipboard API here (a page not served from this machine is not a secure context): copy through a selection.
      const area = el('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.append(area);
      area.select();
      try { copied = document.execCommand('copy'); } catch (ignored) { copied = false; }
      area.remove();
    }
    result.textContent = copied ? what + ' copied (' + text.length.toLocaleString() + ' characters)' : 'Could not copy the ' + what + ': use Download instead';
  }

  for (const button of document.querySelectorAll('.tabs button')) button.addEventListener('click', () => {
    if (PRESETS[button.dataset.view]) setWidth(null, false);
    setView(button.dataset.view);
  });
  $('week').addEventListener('change', (event) => {
    params.set('week', event.target.value);
    saveUrl();
    void chooseWeek(event.target.value);
  });
  $('width').addEventListener('change', (event) => setWidth(event.target.value, true));
  $('issue-text').addEventListener('submit', (event) => {
    event.preventDefault();
    void saveIssueText();
  });
  $('copy-html').addEventListener('click', () => void copy('HTML'));
  $('copy-text').addEventListener('click', () => void copy('text'));

  const handle = $('resize');
  handle.addEventListener('keydown', (event) => {
    const step = event.shiftKey ? 50 : 10;
    const next = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setWidth(frameWidth() + next, true);
  });
  handle.addEventListener('pointerdown', (event) => {
    // The frame is centred, so its right edge moves half as far as its width changes.
    const startX = event.clientX;
    const startWidth = $('digest').getBoundingClientRect().width;
    handle.setPointerCapture(event.pointerId);
    const move = (moved) => setWidth(startWidth + 2 * (moved.clientX - startX), false);
    const end = () => {
      handle.removeEventListener('pointermove', move);
      saveUrl();
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end, { once: true });
    handle.addEventListener('pointercancel', end, { once: true });
  });

  const form = $('send-form');
  const address = $('send-address');
  try { address.value = localStorage.getItem(ADDRESS_KEY) || ''; } catch (error) {}
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try { localStorage.setItem(ADDRESS_KEY, address.value); } catch (error) {}
    const result = $('send-result');
    result.textContent = 'Sending…';
    const response = await fetch('/api/send-test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: address.value }) });
    const body = await response.json();
    result.textContent = response.ok ? body.report : 'Failed: ' + body.error;
    result.style.color = response.ok ? 'var(--ok)' : 'var(--err)';
  });

  async function start() {
    // A shared link names its week: show that one before anything else.
    const wanted = params.get('week');
    if (wanted) await chooseWeek(wanted);
    const events = new EventSource('/events');
    events.addEventListener('rebuilt', (event) => { if (JSON.parse(event.data).version !== version) void refresh(); });
    events.addEventListener('reports', () => void loadReports());
  }
  void start();
})();
`;
