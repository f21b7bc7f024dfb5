import { describe, expect, it } from 'vitest';
import {
  choosePython,
  commonInstallPlaces,
  discoverInstall,
  inspectInstall,
  type FsProbe,
  type InstallEnv,
} from '@core/comfy/launch/install';

/** An FsProbe over a list of file paths (directories are implied by the paths). */
function fakeFs(files: string[]): FsProbe {
  const set = new Set(files);
  return {
    isFile: async (p) => set.has(p),
    isDir: async (p) =>
      files.some((f) => f.startsWith(p.endsWith('/') || p.endsWith('\\') ? p : `${p}/`) || f.startsWith(`${p}\\`)),
  };
}

function posixEnv(files: string[], pathDirs: string[] = ['/usr/bin']): InstallEnv {
  return { platform: 'linux', fs: fakeFs(files), pathDirs };
}

describe('inspectInstall / discoverInstall', () => {
  it('recognises a plain checkout and prefers its venv python', async () => {
    const env = posixEnv(['/home/u/ComfyUI/main.py', '/home/u/ComfyUI/venv/bin/python', '/usr/bin/python3']);
    const install = await inspectInstall('/home/u/ComfyUI', env);
    expect(install).toEqual({ comfyDir: '/home/u/ComfyUI', mainPy: '/home/u/ComfyUI/main.py' });
    expect(await choosePython(install!, env)).toEqual({ command: '/home/u/ComfyUI/venv/bin/python', kind: 'venv' });
  });

  it('uses .venv when there is no venv', async () => {
    const env = posixEnv(['/c/main.py', '/c/.venv/bin/python', '/usr/bin/python3']);
    const install = await inspectInstall('/c', env);
    expect(await choosePython(install!, env)).toEqual({ command: '/c/.venv/bin/python', kind: 'venv' });
  });

  it('falls back to python3, then python, on PATH (in PATH order)', async () => {
    const a = posixEnv(['/c/main.py', '/opt/py/bin/python', '/usr/bin/python3'], ['/opt/py/bin', '/usr/bin']);
    const install = await inspectInstall('/c', a);
    expect(await choosePython(install!, a)).toEqual({ command: '/usr/bin/python3', kind: 'system' });
    const b = posixEnv(['/c/main.py', '/opt/py/bin/python'], ['/opt/py/bin', '/usr/bin']);
    expect(await choosePython(install!, b)).toEqual({ command: '/opt/py/bin/python', kind: 'system' });
    const none = posixEnv(['/c/main.py'], ['/usr/bin']);
    expect(await choosePython(install!, none)).toBeNull();
  });

  it('recognises the Windows portable build from its root or its ComfyUI folder, with the embedded python', async () => {
    const files = [
      'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\python_embeded\\python.exe',
      'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\ComfyUI\\main.py',
    ];
    const env: InstallEnv = { platform: 'win32', fs: fakeFs(files), pathDirs: ['C:\\Python312'] };
    const expected = {
      comfyDir: 'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\ComfyUI',
      mainPy: 'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\ComfyUI\\main.py',
      portableRoot: 'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable',
    };
    expect(await inspectInstall('C:\\Users\\u\\Desktop\\ComfyUI_windows_portable', env)).toEqual(expected);
    expect(await inspectInstall('C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\ComfyUI', env)).toEqual(expected);
    expect(await choosePython(expected, env)).toEqual({
      command: 'C:\\Users\\u\\Desktop\\ComfyUI_windows_portable\\python_embeded\\python.exe',
      kind: 'embedded',
    });
    // Discovery from the common places finds it under Desktop.
    const places = commonInstallPlaces('C:\\Users\\u', 'win32');
    expect(await discoverInstall(places, env)).toEqual(expected);
  });

  it('on Windows, skips the Microsoft Store alias in WindowsApps', async () => {
    const env: InstallEnv = {
      platform: 'win32',
      fs: fakeFs([
        'D:\\ComfyUI\\main.py',
        'C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe',
        'C:\\Python312\\python.exe',
      ]),
      pathDirs: ['C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps', 'C:\\Python312'],
    };
    const install = await inspectInstall('D:\\ComfyUI', env);
    expect(await choosePython(install!, env)).toEqual({ command: 'C:\\Python312\\python.exe', kind: 'system' });
  });

  it('a Windows venv uses Scripts\\python.exe', async () => {
    const env: InstallEnv = {
      platform: 'win32',
      fs: fakeFs(['D:\\ComfyUI\\main.py', 'D:\\ComfyUI\\venv\\Scripts\\python.exe']),
      pathDirs: [],
    };
    const install = await inspectInstall('D:\\ComfyUI', env);
    expect(await choosePython(install!, env)).toEqual({
      command: 'D:\\ComfyUI\\venv\\Scripts\\python.exe',
      kind: 'venv',
    });
  });

  it('discovers in place order and returns null when nothing matches', async () => {
    const env = posixEnv(['/home/u/Documents/ComfyUI/main.py', '/home/u/src/ComfyUI/main.py']);
    const places = commonInstallPlaces('/home/u', 'linux');
    expect(places.slice(0, 3)).toEqual(['/home/u', '/home/u/Documents', '/home/u/Desktop']);
    expect((await discoverInstall(places, env))?.comfyDir).toBe('/home/u/Documents/ComfyUI');
    expect(await discoverInstall(['/nowhere'], env)).toBeNull();
    expect(await inspectInstall('/home/u', env)).toBeNull();
  });
});
