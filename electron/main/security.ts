/**
 * The renderer's locks: web preferences, the content security policy (also sent as a response header, on top of
 * the <meta> in renderer/index.html), no navigation away from the app, no new windows, no webviews, every
 * permission request denied, and http(s) links handed to the system browser.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MEDIA_SCHEME } from '@shared/ipc';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * The app's policy. `devServer` (electron-vite dev) additionally allows the dev server's origin, its HMR
 * WebSocket and the inline React refresh preamble; packaged builds never pass it.
 */
export function contentSecurityPolicy(devServer?: string): string {
  const dev = devServer ? new URL(devServer) : null;
  const self = dev ? `'self' ${dev.origin}` : "'self'";
  const hmr = dev ? ` ws://${dev.host} wss://${dev.host}` : '';
  return [
    `default-src ${self}`,
    `script-src ${self}${dev ? " 'unsafe-inline'" : ''}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data: blob: ${MEDIA_SCHEME}:`,
    `media-src ${self} blob: ${MEDIA_SCHEME}:`,
    `font-src ${self} data:`,
    // Media by fetch too: the gallery's bulk download reads the files it zips.
    `connect-src ${self}${hmr} ${MEDIA_SCHEME}:`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Only http(s) leaves the app, and only to the system browser. */
export function isExternalHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether a frame shows the app: the built renderer folder (file://) or the dev server's origin. */
export function appUrlMatcher(rendererFile: string, devServer: string | null): (url: string) => boolean {
  if (devServer) {
    const origin = new URL(devServer).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  const folder = pathToFileURL(dirname(rendererFile)).href + '/';
  return (url) => url.startsWith(folder);
}

export interface SessionHardening {
  /** electron-vite's dev server URL, when running `npm run dev`. */
  devServer?: string;
}

/** CSP header on every response the renderer receives, and every permission (camera, notifications, …) denied. */
export function hardenSession(session: Session, options: SessionHardening = {}): void {
  const csp = contentSecurityPolicy(options.devServer);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface ContentsHardening {
  openExternal(url: string): Promise<void> | void;
  /** The URL the app itself is loaded from (file:// or the dev server): reloads of it stay allowed. */
  appUrl(): string | null;
}

function sameDocument(target: string, appUrl: string | null): boolean {
  if (!appUrl) return false;
  try {
    const a = new URL(target);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** Navigation and new windows: stay on the app page, send http(s) links to the system browser, refuse the rest. */
export function hardenWebContents(contents: WebContents, options: ContentsHardening): void {
  const leave = (url: string): void => {
    if (isExternalHttpUrl(url)) void Promise.resolve(options.openExternal(url)).catch(() => {});
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (sameDocument(url, options.appUrl())) return;
    event.preventDefault();
    leave(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (sameDocument(url, options.appUrl())) return;
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
