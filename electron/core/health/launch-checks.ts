/**
 * Whether there is a ComfyUI at all: none configured or found (say how to get one), and the ComfyUI ComfyDesk
 * launches (running, starting, or why its last start failed, with its last output lines).
 */
import type { HealthFix } from '@shared/api/health';
import type { CheckOutcome, HealthCheck } from './registry';

const OPEN_SETTINGS: HealthFix = { kind: 'open-settings' };
const START: HealthFix = { kind: 'start-comfy' };

/** No backend is configured or enabled, and no folder is set to launch. */
export const comfyFoundCheck: HealthCheck = {
  id: 'comfy-found',
  title: 'ComfyUI found',
  scope: 'app',
  appliesTo: (ctx) => !ctx.client && !ctx.launch?.(ctx.backendId).launchPath,
  async run(ctx): Promise<CheckOutcome> {
    const disabled = ctx.noComfy?.disabled ?? [];
    if (disabled.length > 0) {
      return {
        status: 'fail',
        details: `Every ComfyUI is disabled (${disabled.join(', ')}), so nothing can generate.`,
        fixHint: 'Enable one in Settings → ComfyUI.',
        fixes: [OPEN_SETTINGS],
      };
    }
    return {
      status: 'fail',
      details:
        'No ComfyUI found: nothing answered on 127.0.0.1:8188 or 127.0.0.1:8000, no address is added, and no ComfyUI folder is set for ComfyDesk to launch.',
      fixHint:
        'Choose your ComfyUI folder (the one with main.py, or the portable build’s folder) in Settings → ComfyUI and ComfyDesk starts it for you; ' +
        'or start ComfyUI yourself and add its address there. No ComfyUI yet? Get the portable build or ComfyUI Desktop from https://www.comfy.org/download.',
      fixes: [OPEN_SETTINGS],
    };
  },
};

/** The ComfyUI ComfyDesk launches: only when a folder is set. */
export const launcherCheck: HealthCheck = {
  id: 'launcher',
  title: 'ComfyUI launched by ComfyDesk',
  scope: 'app',
  appliesTo: (ctx) => !!ctx.launch?.(ctx.backendId).launchPath,
  async run(ctx): Promise<CheckOutcome> {
    const launch = ctx.launch!(ctx.backendId);
    const where = launch.launchPath!;
    switch (launch.state) {
      case 'running':
        // Several GPUs: running, but one of them crashed (its error is named).
        if (launch.error) {
          return {
            status: 'warn',
            details: `Running from ${where}, but not on every GPU chosen:\n${launch.error}`,
            fixHint: 'Fix what its last lines report, then start it again on the Health page.',
            fixes: [START],
          };
        }
        return { status: 'ok', details: `Running from ${where}.` };
      case 'starting':
        return {
          status: 'warn',
          details: `Starting from ${where}…`,
          fixHint: 'Wait a moment: its log is below. The checks run again once it is ready.',
        };
      case 'stopping':
        return { status: 'warn', details: 'Stopping.', fixHint: 'Start it again once it has stopped.', fixes: [START] };
      case 'crashed':
        return {
          status: 'fail',
          details: launch.error ?? `ComfyUI from ${where} stopped unexpectedly.`,
          fixHint:
            'Fix what its last lines report, then start it again. If the folder is wrong, choose the one with main.py in Settings → ComfyUI.',
          fixes: [START, OPEN_SETTINGS],
        };
      case 'stopped':
        if (ctx.client && ctx.backendId !== launch.backendId) {
          return {
            status: 'ok',
            details: `Not started: another ComfyUI (${ctx.url}) is in use. ${where} is set to launch.`,
          };
        }
        return {
          status: 'fail',
          details: `ComfyUI is not running. ComfyDesk can start it from ${where}.`,
          fixHint: 'Start it (or turn on “Start with ComfyDesk” in Settings → ComfyUI).',
          fixes: [START],
        };
    }
  },
};
