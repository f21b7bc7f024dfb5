/**
 * ComfyUI launched on several GPUs: each launched backend remembers its CUDA device (`--cuda-device N`), so the
 * record of a GPU is found again when its ComfyUI comes back on another port. NULL: the single ComfyUI launched
 * without `--cuda-device` (every launched record before this), or a backend ComfyDesk did not launch.
 */
export default {
  version: 12,
  name: 'launch-device',
  sql: /* sql */ `
ALTER TABLE backends ADD COLUMN launch_device INTEGER CHECK (launch_device IS NULL OR launch_device >= 0);
`,
};
