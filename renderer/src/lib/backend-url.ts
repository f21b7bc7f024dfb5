/** "192.168.1.20:8188" is what people copy from ComfyUI's console: without a scheme it means http://. */
export function withScheme(url: string): string {
  const trimmed = url.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
