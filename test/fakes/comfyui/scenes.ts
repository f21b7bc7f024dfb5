/**
 * Pictures that look like generations (for screenshots and the UI suite): a landscape, a city at night, a lighthouse,
 * a planet… drawn as SVG and rendered by sharp, chosen and varied by the seed (`seed % SCENES.length` picks the
 * scene). Live previews of a scene are the same picture, blurred and noisy early in sampling, sharp at the end.
 */
import sharp from 'sharp';

type Rand = () => number;

function rng(seed: number): Rand {
  let a = (Math.trunc(Math.abs(seed)) % 0xffffffff) + 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sky = (id: string, stops: string[]) =>
  `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops
    .map((c, i) => `<stop offset="${i / (stops.length - 1)}" stop-color="${c}"/>`)
    .join('')}</linearGradient>`;

/** A ridge line across the picture at height `y` (fraction), as a filled path. */
function ridge(r: Rand, w: number, h: number, y: number, rough: number, fill: string): string {
  const pts: string[] = [`M0 ${h}`];
  const n = 9;
  for (let i = 0; i <= n; i++) pts.push(`L${(i / n) * w} ${(y + (r() - 0.5) * rough) * h}`);
  pts.push(`L${w} ${h} Z`);
  return `<path d="${pts.join(' ')}" fill="${fill}"/>`;
}

type Scene = (r: Rand, w: number, h: number) => string;

const mountains: Scene = (r, w, h) => {
  const warm = r() < 0.5;
  return `<defs>${sky('s', warm ? ['#2b1b4f', '#c4516b', '#f6b26b'] : ['#0f2a4a', '#3f7cb3', '#bfe3f0'])}</defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>
    <circle cx="${w * (0.2 + r() * 0.6)}" cy="${h * 0.42}" r="${Math.min(w, h) * 0.09}" fill="${warm ? '#ffe2a8' : '#ffffff'}" opacity="0.9"/>
    ${ridge(r, w, h, 0.55, 0.25, warm ? '#6b3a6e' : '#4d6f91')}
    ${ridge(r, w, h, 0.68, 0.18, warm ? '#45284f' : '#2f4d6b')}
    ${ridge(r, w, h, 0.82, 0.1, warm ? '#22152c' : '#1a2d40')}`;
};

const city: Scene = (r, w, h) => {
  let blocks = '';
  let x = 0;
  while (x < w) {
    const bw = w * (0.06 + r() * 0.09);
    const bh = h * (0.25 + r() * 0.45);
    blocks += `<rect x="${x}" y="${h * 0.8 - bh}" width="${bw - 3}" height="${bh}" fill="#141225"/>`;
    for (let wy = h * 0.8 - bh + 10; wy < h * 0.78; wy += 14)
      for (let wx = x + 6; wx < x + bw - 10; wx += 11)
        if (r() < 0.35)
          blocks += `<rect x="${wx}" y="${wy}" width="5" height="7" fill="${r() < 0.5 ? '#ffd27a' : '#7ff3ff'}" opacity="0.85"/>`;
    x += bw;
  }
  let rain = '';
  for (let i = 0; i < 90; i++) {
    const rx = r() * w;
    const ry = r() * h;
    rain += `<line x1="${rx}" y1="${ry}" x2="${rx - 6}" y2="${ry + 22}" stroke="#9fc7ff" stroke-opacity="0.25"/>`;
  }
  return `<defs>${sky('s', ['#07060f', '#2a1140', '#b3246f'])}<filter id="g"><feGaussianBlur stdDeviation="18"/></filter></defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>
    <ellipse cx="${w * 0.3}" cy="${h * 0.75}" rx="${w * 0.3}" ry="${h * 0.12}" fill="#ff2fa8" opacity="0.55" filter="url(#g)"/>
    <ellipse cx="${w * 0.75}" cy="${h * 0.7}" rx="${w * 0.25}" ry="${h * 0.1}" fill="#19e3ff" opacity="0.45" filter="url(#g)"/>
    ${blocks}<rect y="${h * 0.8}" width="${w}" height="${h * 0.2}" fill="#0c0a18"/>
    <rect y="${h * 0.8}" width="${w}" height="${h * 0.2}" fill="#ff2fa8" opacity="0.12"/>${rain}`;
};

const lighthouse: Scene = (r, w, h) => {
  const lx = w * (0.55 + r() * 0.2);
  const top = h * 0.3;
  return `<defs>${sky('s', ['#36275e', '#e0748a', '#ffd6a0'])}${sky('sea', ['#3d5a80', '#14213d'])}
    <filter id="g"><feGaussianBlur stdDeviation="10"/></filter></defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>
    <circle cx="${w * 0.25}" cy="${h * 0.58}" r="${Math.min(w, h) * 0.12}" fill="#fff1c9" opacity="0.9"/>
    <rect y="${h * 0.6}" width="${w}" height="${h * 0.4}" fill="url(#sea)"/>
    <path d="M${w * 0.45} ${h} L${w * 0.5} ${h * 0.62} L${w * 0.95} ${h * 0.58} L${w} ${h} Z" fill="#1d1a2b"/>
    <polygon points="${lx - w * 0.035},${h * 0.61} ${lx + w * 0.035},${h * 0.61} ${lx + w * 0.022},${top} ${lx - w * 0.022},${top}" fill="#f3efe6"/>
    <rect x="${lx - w * 0.03}" y="${h * 0.43}" width="${w * 0.06}" height="${h * 0.05}" fill="#c0392b"/>
    <rect x="${lx - w * 0.026}" y="${h * 0.33}" width="${w * 0.052}" height="${h * 0.04}" fill="#c0392b"/>
    <rect x="${lx - w * 0.02}" y="${top - h * 0.05}" width="${w * 0.04}" height="${h * 0.05}" fill="#ffe9a6"/>
    <polygon points="${lx},${top - h * 0.025} 0,${top - h * 0.16} 0,${top + h * 0.08}" fill="#fff6c8" opacity="0.35" filter="url(#g)"/>`;
};

const forest: Scene = (r, w, h) => {
  let trees = '';
  for (const [row, y, c] of [
    [0, 0.5, '#3d6b5a'],
    [1, 0.6, '#2b4f42'],
    [2, 0.72, '#1b3329'],
  ] as const) {
    for (let i = 0; i < 16 + row * 4; i++) {
      const x = r() * w;
      const th = h * (0.12 + r() * 0.12 + row * 0.04);
      trees += `<polygon points="${x},${y * h - th} ${x - th * 0.3},${y * h + 4} ${x + th * 0.3},${y * h + 4}" fill="${c}"/>`;
    }
  }
  return `<defs>${sky('s', ['#a9c9c0', '#e6efe5'])}${sky('lake', ['#6f9a94', '#2d4b4a'])}<filter id="f"><feGaussianBlur stdDeviation="24"/></filter></defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>${trees}
    <rect y="${h * 0.74}" width="${w}" height="${h * 0.26}" fill="url(#lake)"/>
    <ellipse cx="${w / 2}" cy="${h * 0.62}" rx="${w * 0.7}" ry="${h * 0.08}" fill="#ffffff" opacity="0.5" filter="url(#f)"/>`;
};

const planet: Scene = (r, w, h) => {
  let stars = '';
  for (let i = 0; i < 160; i++)
    stars += `<circle cx="${r() * w}" cy="${r() * h}" r="${r() * 1.6}" fill="#fff" opacity="${0.3 + r() * 0.7}"/>`;
  const cx = w * (0.35 + r() * 0.3);
  const cy = h * (0.4 + r() * 0.2);
  const pr = Math.min(w, h) * 0.22;
  return `<defs><radialGradient id="p" cx="0.35" cy="0.35" r="0.8"><stop offset="0" stop-color="#f7c68b"/><stop offset="0.6" stop-color="#c2593f"/><stop offset="1" stop-color="#3b1420"/></radialGradient>
    <radialGradient id="n" cx="0.7" cy="0.3" r="0.7"><stop offset="0" stop-color="#7b3fa0" stop-opacity="0.7"/><stop offset="1" stop-color="#05060d" stop-opacity="0"/></radialGradient></defs>
    <rect width="${w}" height="${h}" fill="#05060d"/><rect width="${w}" height="${h}" fill="url(#n)"/>${stars}
    <ellipse cx="${cx}" cy="${cy}" rx="${pr * 1.9}" ry="${pr * 0.45}" fill="none" stroke="#e9c9a0" stroke-opacity="0.5" stroke-width="${pr * 0.12}"/>
    <circle cx="${cx}" cy="${cy}" r="${pr}" fill="url(#p)"/>`;
};

const dunes: Scene = (r, w, h) => {
  const wave = (y: number, amp: number, fill: string) => {
    const p = r() * 6;
    let d = `M0 ${h}`;
    for (let i = 0; i <= 24; i++) d += ` L${(i / 24) * w} ${(y + Math.sin(i / 3 + p) * amp) * h}`;
    return `<path d="${d} L${w} ${h} Z" fill="${fill}"/>`;
  };
  return `<defs>${sky('s', ['#f08a4b', '#f9d29d', '#fbeed7'])}</defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>
    <circle cx="${w * (0.3 + r() * 0.4)}" cy="${h * 0.35}" r="${Math.min(w, h) * 0.1}" fill="#fff4d6"/>
    ${wave(0.58, 0.04, '#e09a5b')}${wave(0.7, 0.05, '#c9773f')}${wave(0.84, 0.04, '#9c5a2e')}`;
};

const castle: Scene = (r, w, h) => {
  let clouds = '';
  for (let i = 0; i < 14; i++)
    clouds += `<ellipse cx="${r() * w}" cy="${h * (0.62 + r() * 0.3)}" rx="${w * (0.12 + r() * 0.15)}" ry="${h * (0.04 + r() * 0.04)}" fill="#ffffff" opacity="${0.6 + r() * 0.4}"/>`;
  const cx = w * 0.5;
  const base = h * 0.62;
  const tower = (x: number, tw: number, th: number) =>
    `<rect x="${x - tw / 2}" y="${base - th}" width="${tw}" height="${th}" fill="#3b4a6b"/><polygon points="${x - tw * 0.7},${base - th} ${x + tw * 0.7},${base - th} ${x},${base - th - tw * 1.4}" fill="#2b3552"/>`;
  return `<defs>${sky('s', ['#4a7fd0', '#9cc3f0', '#e8f1fb'])}<filter id="c"><feGaussianBlur stdDeviation="6"/></filter></defs>
    <rect width="${w}" height="${h}" fill="url(#s)"/>
    <rect x="${cx - w * 0.16}" y="${base - h * 0.14}" width="${w * 0.32}" height="${h * 0.14}" fill="#46557a"/>
    ${tower(cx - w * 0.16, w * 0.06, h * 0.22)}${tower(cx + w * 0.16, w * 0.06, h * 0.22)}${tower(cx, w * 0.08, h * 0.32)}
    <g filter="url(#c)">${clouds}</g>`;
};

export const SCENES: readonly Scene[] = [lighthouse, mountains, city, forest, planet, dunes, castle];

function svgFor(seed: number, width: number, height: number): string {
  const scene = SCENES[Math.abs(Math.trunc(seed)) % SCENES.length]!;
  const body = scene(rng(seed), width, height);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}

/** The finished picture as PNG. */
export function scenePng(seed: number, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(svgFor(seed, width, height)))
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** A live preview at `step` of `steps`: the picture under a blur that clears as sampling goes on (JPEG, ≤512 px). */
export function scenePreviewJpeg(
  seed: number,
  width: number,
  height: number,
  step: number,
  steps: number,
): Promise<Buffer> {
  const scale = Math.min(1, 512 / Math.max(width, height));
  const w = Math.max(8, Math.round(width * scale));
  const h = Math.max(8, Math.round(height * scale));
  const left = Math.max(0, 1 - step / Math.max(1, steps));
  const img = sharp(Buffer.from(svgFor(seed, w, h)));
  return (left > 0.05 ? img.blur(0.3 + left * 14) : img).jpeg({ quality: 80 }).toBuffer();
}
