import { INTRO_MAX } from '../core/digest/issue-file.js';
import { PREHEADER_MAX, SUBJECT_MAX } from '../core/digest/summarize.js';
import { PREVIEW_SCRIPT } from './page-script.js';

/**
 * The preview page: one self-contained HTML document (no external scripts, styles or fonts).
 * Everything it shows from the digest is written with textContent or into the sandboxed frame,
 * never parsed as markup. Its script is in page-script.ts.
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
header { display:flex; gap:8px 16px; align-items:center; padding:10px 16px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; flex-wrap:wrap; }
header h1 { font-size:15px; margin:0 8px 0 0; }
.tabs { display:flex; flex-wrap:wrap; gap:2px; background:var(--bg); padding:3px; border-radius:8px; max-width:100%; }
.tabs button { border:0; background:transparent; padding:6px 10px; border-radius:6px; font:inherit; cursor:pointer; color:var(--muted); white-space:nowrap; }
.tabs button[aria-pressed="true"] { background:#fff; color:var(--ink); box-shadow:0 1px 2px rgba(0,0,0,.08); }
button:focus-visible, a:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible, #resize:focus-visible { outline:2px solid var(--accent); outline-offset:2px; }
select, input, textarea { font:inherit; padding:6px 8px; border:1px solid var(--line); border-radius:6px; background:#fff; }
.send { display:flex; flex-wrap:wrap; gap:6px; align-items:center; margin-left:auto; max-width:100%; }
.send input { min-width:0; width:220px; max-width:100%; }
.send button { border:0; background:var(--accent); color:#fff; border-radius:6px; padding:7px 12px; font:inherit; font-weight:600; cursor:pointer; }
#send-result { font-size:12px; max-width:360px; }
main { display:grid; grid-template-columns:minmax(0,1fr) 360px; gap:16px; padding:16px; align-items:start; }
.stage { display:flex; flex-direction:column; align-items:center; gap:12px; min-width:0; }
.inbox { width:100%; max-width:720px; background:#fff; border:1px solid var(--line); border-radius:10px; padding:10px 14px; }
.inbox .from { font-weight:700; }
.inbox .subject { font-weight:600; }
.inbox .preheader { color:var(--muted); white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.toolbar { display:flex; flex-wrap:wrap; gap:6px 10px; align-items:center; justify-content:center; max-width:100%; }
.toolbar button, .toolbar a { border:1px solid var(--line); background:#fff; color:var(--ink); border-radius:6px; padding:5px 10px; font:inherit; font-size:13px; cursor:pointer; text-decoration:none; }
.toolbar input { width:80px; padding:4px 6px; }
#copy-result { font-size:12px; color:var(--muted); }
#frame-wrap { display:flex; max-width:100%; background:#fff; border:1px solid var(--line); border-radius:10px; overflow:hidden; }
#frame-wrap[hidden], .toolbar [hidden] { display:none; }
#digest { display:block; border:0; flex:0 1 auto; min-width:0; height:calc(100vh - 250px); min-height:480px; }
#resize { flex:0 0 12px; cursor:ew-resize; background:var(--line); touch-action:none; display:flex; align-items:center; justify-content:center; }
#resize::before { content:''; width:2px; height:32px; border-radius:1px; background:var(--muted); }
pre.code { width:100%; max-width:900px; margin:0; background:#fff; border:1px solid var(--line); border-radius:10px; padding:16px; white-space:pre-wrap; word-break:break-word; font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace; max-height:calc(100vh - 250px); overflow:auto; }
aside { display:flex; flex-direction:column; gap:12px; min-width:0; }
section.panel { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; overflow-wrap:anywhere; }
section.panel h2 { font-size:12px; text-transform:uppercase; letter-spacing:1px; color:var(--muted); margin:0 0 8px; }
section.panel p { margin:0 0 8px; }
ul.list { list-style:none; margin:0; padding:0; display:flex; flex-direction:column; gap:8px; }
.item-title { font-weight:600; }
.meta { color:var(--muted); font-size:12px; }
.badge { display:inline-block; font-size:11px; padding:1px 6px; border-radius:4px; background:#fef3c7; color:#92400e; margin-left:6px; }
.check { display:flex; gap:8px; }
.check::before { content:'✓'; color:var(--ok); font-weight:700; }
.check.warning::before { content:'!'; color:var(--warn); }
.check.error::before { content:'✕'; color:var(--err); }
.reason { color:var(--err); font-size:12px; }
.steer { display:flex; flex-wrap:wrap; gap:4px; margin-top:4px; }
.steer button, .restore { flex:none; white-space:nowrap; border:1px solid var(--line); background:#fff; color:var(--ink); border-radius:6px; padding:3px 9px; min-width:32px; min-height:30px; font:inherit; font-size:12px; cursor:pointer; }
.steer button[aria-pressed="true"] { background:var(--accent); border-color:var(--accent); color:#fff; }
.steer button:disabled, .restore:disabled { opacity:.4; cursor:default; }
#dropped-heading { font-size:12px; color:var(--muted); margin:12px 0 6px; }
#dropped li { display:flex; gap:8px; align-items:center; justify-content:space-between; }
#dropped .item-title { min-width:0; }
.issue-text { display:flex; flex-direction:column; gap:6px; margin:0 0 10px; }
.issue-text label { display:flex; flex-direction:column; gap:2px; font-size:12px; color:var(--muted); }
.issue-text input, .issue-text textarea { width:100%; color:var(--ink); }
.issue-text textarea { resize:vertical; min-height:64px; }
.issue-text .actions { display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
.issue-text button { border:0; background:var(--accent); color:#fff; border-radius:6px; padding:6px 12px; font:inherit; font-weight:600; cursor:pointer; }
.steer-result { font-size:12px; margin:0 0 8px; }
.steer-result:empty { display:none; }
.steer-result.error { color:var(--err); }
details summary { cursor:pointer; }
details > div { font-size:12px; margin:4px 0 0 14px; }
.score { font-size:22px; font-weight:700; }
.score.ok { color:var(--ok); } .score.warning { color:var(--warn); } .score.error { color:var(--err); }
.rule { font-size:12px; }
.rule code, .hint code { font:12px ui-monospace,Menlo,monospace; }
#overlay { position:fixed; inset:auto 16px 16px 16px; background:#fff; border:2px solid var(--err); border-radius:10px; padding:14px 16px; box-shadow:0 10px 30px rgba(0,0,0,.2); z-index:5; }
#overlay[hidden] { display:none; }
#overlay h2 { margin:0 0 4px; font-size:15px; color:var(--err); }
#overlay .where { font:13px ui-monospace,Menlo,monospace; }
#status { font-size:12px; color:var(--muted); }
@media (max-width: 1000px) { main { grid-template-columns:minmax(0,1fr); } }
@media (max-width: 600px) { header, main { padding:8px; } .tabs { width:100%; } .tabs button { flex:1 1 auto; } .send { margin-left:0; }
  /* On a phone the story acted on is often far below the list's top: its outcome stays in sight. */
  #steer-result { position:fixed; left:8px; right:8px; bottom:8px; z-index:2; margin:0; background:#fff; padding:10px 12px; border-radius:8px; box-shadow:0 2px 10px rgba(0,0,0,.25); }
  .steer button { min-height:40px; min-width:40px; } }
</style>
</head>
<body>
<header>
  <h1>Digest preview</h1>
  <div class="tabs" role="group" aria-label="View">
    <button type="button" data-view="desktop">Desktop</button>
    <button type="button" data-view="mobile">Mobile</button>
    <button type="button" data-view="dark">Dark</button>
    <button type="button" data-view="text">Plain text</button>
    <button type="button" data-view="source">HTML source</button>
    <button type="button" data-view="manifest">digest.json</button>
  </div>
  <label>Week <select id="week" aria-label="Week"></select></label>
  <span id="status" role="status"></span>
  <form class="send" id="send-form">
    <input id="send-address" type="email" placeholder="you@example.com" aria-label="Test address" autocomplete="email" required>
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
    <div class="toolbar" aria-label="The digest">
      <label id="width-control">Width <input id="width" type="number" min="280" max="1600" step="10" aria-label="Frame width in pixels"> px</label>
      <button type="button" id="copy-html">Copy HTML</button>
      <button type="button" id="copy-text">Copy text</button>
      <a id="download-html" href="/download/digest.html" download>Download HTML</a>
      <a id="download-text" href="/download/digest.txt" download>Download text</a>
      <span id="copy-result" role="status"></span>
    </div>
    <div id="frame-wrap">
      <iframe id="digest" title="Digest" sandbox="allow-same-origin allow-popups"></iframe>
      <div id="resize" role="separator" tabindex="0" aria-orientation="vertical" aria-label="Frame width: drag, or use the arrow keys" aria-controls="digest" aria-valuemin="280" aria-valuemax="1600"></div>
    </div>
    <pre class="code" id="code" hidden></pre>
  </div>
  <aside>
    <section class="panel"><h2>Checks</h2><ul class="list" id="checks"></ul></section>
    <section class="panel"><h2>Issue file</h2>
      <form class="issue-text" id="issue-text">
        <label>Subject <input id="issue-subject" type="text" autocomplete="off"></label>
        <label>Preheader <input id="issue-preheader" type="text" autocomplete="off"></label>
        <label>Intro (Markdown) <textarea id="issue-intro" rows="3"></textarea></label>
        <div class="actions"><button type="submit">Save</button><span class="steer-result" id="issue-text-result" role="status"></span></div>
        <p class="meta">Leave a field empty for the automatic one. Subject up to ${SUBJECT_MAX} characters, preheader ${PREHEADER_MAX}, intro ${INTRO_MAX.toLocaleString('en')}.</p>
      </form>
      <ul class="list" id="issue-file"></ul>
    </section>
    <section class="panel"><h2 id="items-heading">Items</h2>
      <p class="steer-result" id="steer-result" role="status"></p>
      <ul class="list" id="items"></ul>
      <h3 id="dropped-heading" hidden>Dropped</h3>
      <ul class="list" id="dropped"></ul>
    </section>
    <section class="panel" id="compatibility-panel"><h2>Email clients</h2><div id="compatibility"></div></section>
    <section class="panel" id="spam-panel"><h2>Spam score</h2><div id="spam"></div></section>
    <section class="panel"><h2 id="skipped-heading">Skipped files</h2><ul class="list" id="skipped"></ul></section>
  </aside>
</main>
<div id="overlay" role="alert" hidden>
  <h2>The digest could not be built</h2>
  <div class="where" id="overlay-where"></div>
  <div id="overlay-message"></div>
</div>
<script>${PREVIEW_SCRIPT}</script>
</body>
</html>
`;
