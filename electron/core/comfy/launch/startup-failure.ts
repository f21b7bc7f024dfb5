/**
 * Start-up failures a hobbyist meets, recognised from the output of the failed start, each with its fix worded
 * for this install: PyTorch without CUDA or no usable GPU, the port taken, a Python module missing (the
 * requirements are not installed: the pip command for this install's own Python, venv, portable or system), and
 * the frontend package missing. The lines ComfyUI prints are in docs/reference/comfyui-api.md §5–6.
 */
import path from 'node:path';
import type { StartupProblem } from '@shared/api/backends';
import type { ComfyInstall, PythonChoice } from './install';
import type { LogLine } from './log-tail';
import { PORT_IN_USE } from './launch-args';

export type { StartupProblem };

export interface StartupContext {
  python: PythonChoice;
  install: ComfyInstall;
  port: number;
  /** The port was chosen by the user (config), not picked free by the launcher. */
  fixedPort: boolean;
  extraArgs: readonly string[];
  platform?: NodeJS.Platform;
}

const FRONTEND = /(comfyui-frontend-package|comfyui-workflow-templates) is not installed/;
const MISSING_MODULE = /No module named '([^']+)'/;
const TORCH_NO_CUDA = /Torch not compiled with CUDA enabled/i;
const NO_GPU =
  /Found no NVIDIA driver|No CUDA GPUs are available|CUDA driver version is insufficient|no CUDA-capable device is detected/i;
const GPU_TOO_NEW =
  /no kernel image is available for execution on the device|not compatible with the current PyTorch installation/i;

const PYTORCH_CUDA = 'https://download.pytorch.org/whl/cu128';
const PYTORCH_ROCM = 'https://download.pytorch.org/whl/rocm6.4';

const q = (s: string) => `"${s}"`;

/** `python -m pip` for this install's own Python (the portable build's embedded one takes `-s`). */
export function pipCommand(python: PythonChoice): string {
  return `${q(python.command)}${python.kind === 'embedded' ? ' -s' : ''} -m pip`;
}

function requirementsFix(ctx: StartupContext): string {
  const p = (ctx.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  const req = p.join(ctx.install.comfyDir, 'requirements.txt');
  const cmd = `\`${pipCommand(ctx.python)} install -r ${q(req)}\``;
  if (ctx.python.kind === 'venv') return `Install them into the install's venv: ${cmd}.`;
  if (ctx.python.kind === 'embedded') return `Install them into the portable build's embedded Python: ${cmd}.`;
  return (
    `Install them for ${ctx.python.command}: ${cmd}. ` +
    `A venv inside the ComfyUI folder keeps them apart from the system Python (\`python3 -m venv venv\` there, then the same ` +
    `command with the venv's python); ComfyDesk uses a venv it finds there.`
  );
}

function gpuFix(ctx: StartupContext, lines: string): StartupProblem {
  const platform = ctx.platform ?? process.platform;
  const pip = pipCommand(ctx.python);
  const cpu = ctx.extraArgs.includes('--cpu') ? {} : { suggestedArgs: ['--cpu'] };
  const orCpu = ctx.extraArgs.includes('--cpu')
    ? ''
    : ' Without a supported GPU, add --cpu to the extra launch flags (it works, slowly).';
  if (platform === 'darwin') {
    return {
      kind: 'gpu',
      problem: 'ComfyUI asked for CUDA, which PyTorch does not have on a Mac.',
      fix: `Remove CUDA flags (such as --cuda-device) from the extra launch flags: ComfyUI uses the Mac's GPU with the standard PyTorch build (\`${pip} install --upgrade torch torchvision torchaudio\`).${orCpu}`,
      ...cpu,
    };
  }
  if (TORCH_NO_CUDA.test(lines)) {
    return {
      kind: 'gpu',
      problem: "This install's PyTorch was built without CUDA (GPU) support.",
      fix: `For an NVIDIA GPU install the CUDA build: \`${pip} install --force-reinstall torch torchvision torchaudio --index-url ${PYTORCH_CUDA}\`${platform === 'linux' ? `; for an AMD GPU the ROCm build: \`${pip} install --force-reinstall torch torchvision torchaudio --index-url ${PYTORCH_ROCM}\`` : ''}.${orCpu}`,
      ...cpu,
    };
  }
  if (GPU_TOO_NEW.test(lines)) {
    return {
      kind: 'gpu',
      problem: "This install's PyTorch build does not support this GPU (too new or too old for it).",
      fix: `Install a current CUDA build: \`${pip} install --upgrade --force-reinstall torch torchvision torchaudio --index-url ${PYTORCH_CUDA}\`.${orCpu}`,
      ...cpu,
    };
  }
  return {
    kind: 'gpu',
    problem: 'PyTorch found no usable GPU (no NVIDIA driver, or a driver too old for this PyTorch build).',
    fix: `Install or update the GPU driver (NVIDIA: nvidia.com/drivers).${orCpu}`,
    ...cpu,
  };
}

/** The recognised problem behind a failed start, or null when the output says nothing known. */
export function diagnoseStartup(tail: readonly LogLine[], ctx: StartupContext): StartupProblem | null {
  const text = tail.map((l) => l.text).join('\n');
  const frontend = FRONTEND.exec(text);
  if (frontend) {
    return {
      kind: 'frontend-missing',
      problem: `ComfyUI's ${frontend[1]} is not installed (this ComfyUI is newer than the requirements installed for it).`,
      fix: requirementsFix(ctx),
    };
  }
  const missing = MISSING_MODULE.exec(text);
  if (missing) {
    const module = missing[1]!.split('.')[0]!;
    const torch =
      module === 'torch'
        ? ` For an NVIDIA GPU install PyTorch's CUDA build first: \`${pipCommand(ctx.python)} install torch torchvision torchaudio --index-url ${PYTORCH_CUDA}\`.`
        : '';
    return {
      kind: 'missing-module',
      problem: `Python cannot find the module '${module}': ComfyUI's requirements are not installed for ${ctx.python.command}.`,
      fix: `${requirementsFix(ctx)}${torch}`,
    };
  }
  if (TORCH_NO_CUDA.test(text) || NO_GPU.test(text) || GPU_TOO_NEW.test(text)) return gpuFix(ctx, text);
  if (PORT_IN_USE.test(text)) {
    return {
      kind: 'port-taken',
      problem: `Port ${ctx.port} is already in use by another program (perhaps another ComfyUI).`,
      fix: ctx.fixedPort
        ? `Stop the program using port ${ctx.port} (if it is a ComfyUI you started yourself, add its address in Settings → ComfyUI instead of launching a second one), or choose another port (comfy.launchPort in config.json, COMFYDESK_COMFY_PORT), or leave it unset so ComfyDesk picks a free one.`
        : 'Start it again: ComfyDesk picks another free port.',
    };
  }
  return null;
}
