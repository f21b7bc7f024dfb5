/**
 * The headless server's sign-in page: what a browser without the access token sees instead of a bare 401. The
 * token is pasted into a form (POST /sign-in, then the same HttpOnly cookie as `?token=`) or comes with the
 * address the server printed at start. The page is plain HTML with one small hashed script (it keeps the page the
 * user asked for, `#/queue`, across the sign-in) under its own strict CSP.
 */
import { createHash } from 'node:crypto';

/** Asked for without a token: the web app manifest and its icons (a phone fetches them without cookies). */
export const PUBLIC_PATHS = /^\/(manifest\.webmanifest|icons\/[a-z0-9-]+\.png)$/;

export const SIGN_IN_PATH = '/sign-in';

/** Carries the page's hash (`#/queue`) into the form, so signing in lands where the link pointed. */
const KEEP_HASH = `if (location.hash) document.getElementById('next').value = location.hash;`;
const KEEP_HASH_SHA = createHash('sha256').update(KEEP_HASH).digest('base64');

export const SIGN_IN_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  `script-src 'sha256-${KEEP_HASH_SHA}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page a link named, when it is a plain `#/page` (anything else is dropped). */
export function pageHash(next: unknown): string {
  return typeof next === 'string' && /^#\/[a-z][a-z-]{0,40}$/.test(next) ? next : '';
}

/** Where to go after signing in: the app, at the page the link named. */
export function afterSignIn(next: unknown): string {
  return `./${pageHash(next)}`;
}

const STYLE = `
:root { color-scheme: dark; --bg:#15171c; --card:#1e2128; --fg:#e3e6ea; --muted:#a0a8b5; --border:#323844;
  --field:#121418; --accent:#5562e8; --on-accent:#fff; --danger:#ff8a8a; --focus:#8b96ff; --code:#0e1013; }
@media (prefers-color-scheme: light) { :root { color-scheme: light; --bg:#f2f3f6; --card:#fff; --fg:#1d2129;
  --muted:#555d6b; --border:#d3d7df; --field:#fff; --accent:#4451d0; --danger:#b3261e; --focus:#4451d0; --code:#f6f7f9; } }
* { box-sizing: border-box; }
body { margin:0; min-height:100dvh; display:flex; align-items:center; justify-content:center; padding:16px;
  background:var(--bg); color:var(--fg); font:14px/1.5 'Inter','Noto Sans',system-ui,-apple-system,'Segoe UI',sans-serif; }
main { width:min(420px,100%); background:var(--card); border:1px solid var(--border); border-radius:10px; padding:24px;
  display:flex; flex-direction:column; gap:16px; }
.brand { display:flex; align-items:center; gap:12px; }
.brand img { width:40px; height:40px; border-radius:8px; }
h1 { margin:0; font-size:20px; line-height:1.25; }
p { margin:0; }
.muted { color:var(--muted); }
form { display:flex; flex-direction:column; gap:6px; }
label { font-weight:600; }
input { font:inherit; color:var(--fg); background:var(--field); border:1px solid var(--border); border-radius:6px;
  height:40px; padding:0 12px; width:100%; }
input[aria-invalid=true] { border-color:var(--danger); }
:focus-visible { outline:2px solid var(--focus); outline-offset:2px; }
.error { color:var(--danger); font-size:13px; }
button { margin-top:10px; font:inherit; font-weight:600; height:40px; border:0; border-radius:6px; background:var(--accent);
  color:var(--on-accent); cursor:pointer; }
details summary { cursor:pointer; color:var(--fg); }
details ol { margin:8px 0 0; padding-left:20px; display:flex; flex-direction:column; gap:6px; }
code { font-family:ui-monospace,'DejaVu Sans Mono',monospace; font-size:12px; background:var(--code);
  border:1px solid var(--border); border-radius:4px; padding:0 4px; overflow-wrap:anywhere; }`;

/** The page; `error` says why the last attempt failed, `next` keeps the page the link named across a retry. */
export function signInPage(error: string | null, next: unknown = ''): string {
  const invalid = error ? ' aria-invalid="true" aria-describedby="token-error"' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#15171c">
<link rel="manifest" href="./manifest.webmanifest">
<link rel="icon" type="image/png" href="./icons/favicon-32.png">
<link rel="apple-touch-icon" href="./icons/apple-touch-icon.png">
<title>Sign in · ComfyDesk</title>
<style>${STYLE}</style>
</head>
<body>
<main>
  <div class="brand"><img src="./icons/icon-192.png" alt=""><h1>Sign in to ComfyDesk</h1></div>
  <p class="muted">This ComfyDesk server lets in only who has its access token. Paste it once: this browser keeps it.</p>
  <form method="post" action="./sign-in" data-testid="sign-in-form">
    <label for="token">Access token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" autocapitalize="off" spellcheck="false" required autofocus${invalid}>
    ${error ? `<p class="error" id="token-error" role="alert">${escapeHtml(error)}</p>` : ''}
    <input type="hidden" id="next" name="next" value="${pageHash(next)}">
    <button type="submit">Sign in</button>
  </form>
  <details>
    <summary>Where do I find the token?</summary>
    <ol class="muted">
      <li>Where the server was started (<code>npm run serve</code>), it printed an address ending in <code>?token=…</code>. Open that address on this device: it signs you in by itself.</li>
      <li>Or copy the token from the file <code>server-token</code> in ComfyDesk’s data folder on the server (on Linux <code>~/.local/share/ComfyDesk/server-token</code>).</li>
    </ol>
  </details>
</main>
<script>${KEEP_HASH}</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether a request is a browser asking for a page (its Accept names HTML), not an API client. */
export function wantsHtml(method: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && typeof accept === 'string' && accept.includes('text/html');
}
