/**
 * The app's pages, each listed once. The sidebar draws its links from this list and App shows the current
 * page's component, so adding a page is writing its component and adding one entry here (with a `lazy` import:
 * only the gallery, the first page, is in the first bundle, so opening the app on it parses less).
 */
import { lazy, type ComponentType } from 'react';
import {
  Activity,
  Bot,
  Compass,
  Images,
  ListOrdered,
  NotebookPen,
  Package,
  Settings,
  Sparkles,
  Workflow,
  Gauge,
  type LucideIcon,
} from 'lucide-react';
import { useNav } from '../stores/nav-store';
import { useQueue } from '../stores/queue-store';
import { useSetup } from '../stores/setup-store';
import { GalleryPage } from './GalleryPage';

// The gallery is the first page and is in the first bundle; the others load when first shown.
const BotPage = lazy(() => import('./BotPage').then((m) => ({ default: m.BotPage })));
const GeneratePage = lazy(() => import('./GeneratePage').then((m) => ({ default: m.GeneratePage })));
const HealthPage = lazy(() => import('./HealthPage').then((m) => ({ default: m.HealthPage })));
const ModelsPage = lazy(() => import('./ModelsPage').then((m) => ({ default: m.ModelsPage })));
const QueuePage = lazy(() => import('./QueuePage').then((m) => ({ default: m.QueuePage })));
const SettingsPage = lazy(() => import('./SettingsPage').then((m) => ({ default: m.SettingsPage })));
const SetupPage = lazy(() => import('./SetupPage').then((m) => ({ default: m.SetupPage })));
const TemplatesPage = lazy(() => import('./TemplatesPage').then((m) => ({ default: m.TemplatesPage })));
const UsagePage = lazy(() => import('./UsagePage').then((m) => ({ default: m.UsagePage })));
const WorkflowsPage = lazy(() => import('./WorkflowsPage').then((m) => ({ default: m.WorkflowsPage })));

/** A count on a page's sidebar link. */
export interface NavBadge {
  count: number;
  /** What a screen reader says instead of the bare number. */
  label: string;
}

export interface PageEntry {
  /** Names the page in the URL (`#/<id>`) and in `main[data-page]`. */
  id: string;
  /** The sidebar link's text, in sentence case; the page's heading says the same. */
  label: string;
  /** The icon before the label (decorative; lucide-react). */
  icon: LucideIcon;
  component: ComponentType;
  /** A React hook the sidebar calls for this page's link: the badge to show, or null for none. */
  useBadge?: () => NavBadge | null;
  /** On a phone-sized screen the page has a button in the bottom bar (the others are under "More"). */
  phone?: boolean;
  /** A shorter label where space is tight (the phone's bottom bar); the label otherwise. */
  shortLabel?: string;
}

function useActiveJobsBadge(): NavBadge | null {
  const active = useQueue((s) => s.active.length);
  return active > 0 ? { count: active, label: `${active} active jobs` } : null;
}

function useSetupBadge(): NavBadge | null {
  const left = useSetup((s) =>
    s.view && !s.view.finished ? s.view.steps.filter((x) => x.state === 'todo').length : 0,
  );
  return left > 0 ? { count: left, label: `${left} setup step${left === 1 ? '' : 's'} left` } : null;
}

const ENTRIES = [
  { id: 'gallery', label: 'Gallery', icon: Images, component: GalleryPage, phone: true },
  { id: 'queue', label: 'Queue', icon: ListOrdered, component: QueuePage, useBadge: useActiveJobsBadge, phone: true },
  { id: 'generate', label: 'Generate', icon: Sparkles, component: GeneratePage },
  { id: 'templates', label: 'Templates', icon: NotebookPen, component: TemplatesPage },
  { id: 'models', label: 'Models', icon: Package, component: ModelsPage },
  { id: 'workflows', label: 'Workflows', icon: Workflow, component: WorkflowsPage },
  { id: 'health', label: 'Health', icon: Activity, component: HealthPage, phone: true },
  { id: 'usage', label: 'Usage', icon: Gauge, component: UsagePage },
  { id: 'bot', label: 'Discord bot', icon: Bot, component: BotPage, phone: true, shortLabel: 'Bot' },
  { id: 'settings', label: 'Settings', icon: Settings, component: SettingsPage },
  { id: 'setup', label: 'Setup guide', icon: Compass, component: SetupPage, useBadge: useSetupBadge },
] as const satisfies readonly PageEntry[];

export type PageId = (typeof ENTRIES)[number]['id'];
export interface Page extends PageEntry {
  id: PageId;
}

/** In sidebar order. The first is the default page: an empty or unknown URL hash shows it. */
export const PAGES: readonly Page[] = ENTRIES;

/** The page named `name`, or the default page. */
export function pageFor(name: string): Page {
  return PAGES.find((p) => p.id === name) ?? PAGES[0]!;
}

/** The page the URL asks for (the default one for a name no page has). */
export function useCurrentPage(): Page {
  return pageFor(useNav((s) => s.requested));
}
