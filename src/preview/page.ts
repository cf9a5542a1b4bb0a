/**
 * The preview page: one self-contained HTML document (no external scripts, styles or fonts).
 * Everything it shows from the digest is written with textContent or into the sandboxed frame,
 * never parsed as markup.
 */
export const PREVIEW_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digest preview</title>
<link rel="icon" href="data:,">
<style>
:root { --ink:#111827; --muted:#6b7280; --line:#e5e7eb; --accent:#4338ca; --bg:#f3f4f6; --ok:#047857; --warn:#b45309; --err:#b91c1c; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; gap:16px; align-items:center; padding:10px 16px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; flex-wrap:wrap; }
header h1 { font-size:15px; margin:0 8px 0 0; }
.tabs { display:flex; gap:2px; background:var(--bg); padding:3px; border-radius:8px; }
.tabs button { border:0; background:transparent; padding:6px 10px; border-radius:6px; font:inherit; cursor:pointer; color:var(--muted); }
.tabs button[aria-pressed="true"] { background:#fff; color:var(--ink); box-shadow:0 1px 2px rgba(0,0,0,.08); }
select, input { font:inherit; padding:6px 8px; border:1px solid var(--line); border-radius:6px; background:#fff; }
.send { display:flex; gap:6px; align-items:center; margin-left:auto; }
.send button { border:0; background:var(--accent); color:#fff; border-radius:6px; padding:7px 12px; font:inherit; font-weight:600; cursor:pointer; }
#send-result { font-size:12px; max-width:360px; }
main { display:grid; grid-template-columns:minmax(0,1fr) 360px; gap:16px; padding:16px; align-items:start; }
.stage { display:flex; flex-direction:column; align-items:center; gap:12px; min-width:0; }
.inbox { width:100%; max-width:720px; background:#fff; border:1px solid var(--line); border-radius:10px; padding:10px 14px; }
.inbox .from { font-weight:700; }
.inbox .subject { font-weight:600; }
.inbox .preheader { color:var(--muted); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
#frame-wrap { background:#fff; border:1px solid var(--line); border-radius:10px; overflow:hidden; }
#digest { display:block; border:0; width:100%; height:calc(100vh - 210px); min-height:480px; }
pre.code { width:100%; max-width:900px; margin:0; background:#fff; border:1px solid var(--line); border-radius:10px; padding:16px; white-space:pre-wrap; word-break:break-word; font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace; max-height:calc(100vh - 210px); overflow:auto; }
aside { display:flex; flex-direction:column; gap:12px; }
section.panel { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
section.panel h2 { font-size:12px; text-transform:uppercase; letter-spacing:1px; color:var(--muted); margin:0 0 8px; }
ul.list { list-style:none; margin:0; padding:0; display:flex; flex-direction:column; gap:8px; }
.item-title { font-weight:600; }
.meta { color:var(--muted); font-size:12px; }
.badge { display:inline-block; font-size:11px; padding:1px 6px; border-radius:4px; background:#fef3c7; color:#92400e; margin-left:6px; }
.check { display:flex; gap:8px; }
.check::before { content:'✓'; color:var(--ok); font-weight:700; }
.check.warning::before { content:'!'; color:var(--warn); }
.check.error::before { content:'✕'; color:var(--err); }
.reason { color:var(--err); font-size:12px; }
#overlay { position:fixed; inset:auto 16px 16px 16px; background:#fff; border:2px solid var(--err); border-radius:10px; padding:14px 16px; box-shadow:0 10px 30px rgba(0,0,0,.2); z-index:5; }
#overlay[hidden] { display:none; }
#overlay h2 { margin:0 0 4px; font-size:15px; color:var(--err); }
#overlay .where { font:13px ui-monospace,Menlo,monospace; }
#status { font-size:12px; color:var(--muted); }
@media (max-width: 1000px) { main { grid-template-columns:1fr; } }
</style>
</head>
<body>
<header>
  <h1>Digest preview</h1>
  <div class="tabs" role="group" aria-label="View">
    <button data-view="desktop">Desktop</button>
    <button data-view="mobile">Mobile</button>
    <button data-view="dark">Dark</button>
    <button data-view="text">Plain text</button>
    <button data-view="source">HTML source</button>
    <button data-view="manifest">digest.json</button>
  </div>
  <label>Week <select id="week" aria-label="Week"></select></label>
  <span id="status"></span>
  <form class="send" id="send-form">
    <input id="send-address" type="email" placeholder="you@example.com" aria-label="Test address" required>
    <button type="submit">Send test</button>
    <span id="send-result" role="status"></span>
  </form>
</header>
<main>
  <div class="stage">
    <div class="inbox" aria-label="Inbox preview">
      <div class="from" id="inbox-from"></div>
      <div class="subject" id="inbox-subject"></div>
      <div class="preheader" id="inbox-preheader"></div>
    </div>
    <div id="frame-wrap"><iframe id="digest" title="Digest" sandbox="allow-same-origin allow-popups"></iframe></div>
    <pre class="code" id="code" hidden></pre>
  </div>
  <aside>
    <section class="panel"><h2>Checks</h2><ul class="list" id="checks"></ul></section>
    <section class="panel"><h2>Issue file</h2><ul class="list" id="issue-file"></ul></section>
    <section class="panel"><h2 id="items-heading">Items</h2><ul class="list" id="items"></ul></section>
    <section class="panel"><h2 id="skipped-heading">Skipped files</h2><ul class="list" id="skipped"></ul></section>
  </aside>
</main>
<div id="overlay" role="alert" hidden>
  <h2>The digest could not be built</h2>
  <div class="where" id="overlay-where"></div>
  <div id="overlay-message"></div>
</div>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let view = params.get('view') || 'desktop';
  let state = null;
  let version = -1;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setView(next) {
    view = next;
    params.set('view', view);
    history.replaceState(null, '', '?' + params.toString());
    for (const button of document.querySelectorAll('.tabs button')) button.setAttribute('aria-pressed', String(button.dataset.view === view));
    const framed = view === 'desktop' || view === 'mobile' || view === 'dark';
    $('frame-wrap').hidden = !framed;
    $('code').hidden = framed;
    $('frame-wrap').style.width = view === 'mobile' ? '375px' : '700px';
    $('frame-wrap').style.maxWidth = '100%';
    $('frame-wrap').style.background = view === 'dark' ? '#0b1120' : '#fff';
    if (framed) loadFrame(); else loadCode();
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
    $('inbox-from').textContent = state.from;
    $('inbox-subject').textContent = manifest ? manifest.subject : '(no digest for this period)';
    $('inbox-preheader').textContent = manifest ? manifest.preheader : '';
    $('status').textContent = 'Built in ' + state.buildMs + ' ms · ' + new Date(state.builtAt).toLocaleTimeString();

    const week = $('week');
    const options = ['latest', ...state.weeks];
    week.replaceChildren(...options.map((value) => { const option = el('option', '', value === 'latest' ? 'Latest week' : value); option.value = value; return option; }));
    week.value = state.week;

    const checks = $('checks');
    checks.replaceChildren(...state.checks.map((check) => el('li', 'check ' + check.level, check.message)));

    renderIssueFile(manifest);

    const items = manifest ? manifest.items : [];
    $('items-heading').textContent = 'Items (' + items.length + ')';
    $('items').replaceChildren(...items.map((item) => {
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
      return li;
    }));

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

  async function refresh() {
    state = await (await fetch('/api/state')).json();
    version = state.version;
    render();
    setView(view);
  }

  for (const button of document.querySelectorAll('.tabs button')) button.addEventListener('click', () => setView(button.dataset.view));
  $('week').addEventListener('change', async (event) => {
    await fetch('/api/week', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ week: event.target.value }) });
  });
  $('send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('send-result');
    result.textContent = 'Sending…';
    const response = await fetch('/api/send-test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: $('send-address').value }) });
    const body = await response.json();
    result.textContent = response.ok ? body.report : 'Failed: ' + body.error;
    result.style.color = response.ok ? 'var(--ok)' : 'var(--err)';
  });

  const events = new EventSource('/events');
  events.addEventListener('rebuilt', (event) => { if (JSON.parse(event.data).version !== version) refresh(); });
  refresh();
})();
</script>
</body>
</html>
`;
