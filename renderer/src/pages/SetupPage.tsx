import { useEffect, type ComponentType } from 'react';
import { Bot, Check, Cpu, Images, Minus, Package, PartyPopper, RotateCcw, Sparkles } from 'lucide-react';
import type { SetupStep, SetupStepId } from '@shared/api/setup';
import { Button } from '../components/ui/Button';
import { Skeleton } from '../components/ui/Skeleton';
import { useNav } from '../stores/nav-store';
import { useSetup } from '../stores/setup-store';
import { ComfyStep } from './setup/ComfyStep';
import { DiscordStep } from './setup/DiscordStep';
import { FirstImageStep } from './setup/FirstImageStep';
import { ModelsStep } from './setup/ModelsStep';

const STEPS: Record<SetupStepId, { title: string; icon: typeof Cpu; body: ComponentType; optional?: boolean }> = {
  comfy: { title: 'ComfyUI', icon: Cpu, body: ComfyStep },
  models: { title: 'Models', icon: Package, body: ModelsStep },
  'first-image': { title: 'First image', icon: Sparkles, body: FirstImageStep },
  discord: { title: 'Discord', icon: Bot, body: DiscordStep, optional: true },
};

function StepMark({ step, index }: { step: SetupStep; index: number }) {
  if (step.state === 'done') return <Check size={16} aria-label="done" />;
  if (step.state === 'skipped') return <Minus size={16} aria-label="skipped" />;
  return <span aria-hidden="true">{index + 1}</span>;
}

/**
 * The setup guide: ComfyUI, models, a first image, then (optionally) Discord. Opens by itself until every step is
 * done or skipped; each step can be skipped, and the guide resumes where it was left (the core keeps its progress).
 */
export function SetupPage() {
  const { view, open, load, show, mark } = useSetup();
  useEffect(() => void load(), [load]);
  if (!view || !open) {
    return (
      <section className="page" aria-labelledby="setup-title">
        <h1 id="setup-title">Set up ComfyDesk</h1>
        <Skeleton lines={5} />
      </section>
    );
  }
  const doneCount = view.steps.filter((s) => s.state !== 'todo').length;
  const current = view.steps.find((s) => s.id === open)!;
  const meta = STEPS[current.id];
  const Body = meta.body;
  const index = view.steps.indexOf(current);
  return (
    <section className="page setup-page" aria-labelledby="setup-title">
      <header className="page-header">
        <h1 id="setup-title">Set up ComfyDesk</h1>
        <span className="muted">
          {doneCount} of {view.steps.length} done
        </span>
      </header>
      {view.finished && (
        <div className="card setup-finished" data-testid="setup-finished">
          <PartyPopper size={20} aria-hidden="true" />
          <p>You’re set. Make images on the Generate page; everything you make lands in the Gallery.</p>
          <Button variant="primary" icon={<Sparkles size={16} />} onClick={() => useNav.getState().go('generate')}>
            Generate
          </Button>
          <Button icon={<Images size={16} />} onClick={() => useNav.getState().go('gallery')}>
            Gallery
          </Button>
        </div>
      )}
      <div className="setup-layout">
        <nav aria-label="Setup steps">
          <ol className="setup-steps">
            {view.steps.map((s, i) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={`setup-step-link state-${s.state}${s.id === open ? ' current' : ''}`}
                  aria-current={s.id === open ? 'step' : undefined}
                  onClick={() => show(s.id)}
                  data-testid={`setup-step-${s.id}`}
                >
                  <span className="setup-step-mark">
                    <StepMark step={s} index={i} />
                  </span>
                  <span className="setup-step-text">
                    <span className="setup-step-title">
                      {STEPS[s.id].title}
                      {STEPS[s.id].optional ? <span className="muted"> (optional)</span> : null}
                    </span>
                    <span className="setup-step-summary muted">{s.summary}</span>
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <article className="card setup-body" aria-labelledby="setup-step-title" data-step={current.id}>
          <header className="card-header">
            <meta.icon size={20} aria-hidden="true" />
            <h2 id="setup-step-title">
              {index + 1}. {meta.title}
            </h2>
          </header>
          <Body />
          <footer className="actions setup-footer">
            {current.state !== 'todo' && (
              <Button variant="ghost" icon={<RotateCcw size={16} />} onClick={() => void mark(current.id, 'todo')}>
                Do this step again
              </Button>
            )}
            <span className="spacer" />
            {current.state === 'todo' && !current.achieved && (
              <Button variant="ghost" onClick={() => void mark(current.id, 'skipped')} data-testid="setup-skip">
                Skip this step
              </Button>
            )}
            {current.achieved || current.state !== 'todo' ? (
              <Button
                variant="primary"
                onClick={() => {
                  const next = view.steps.slice(index + 1).find((s) => s.state === 'todo') ?? view.steps[index + 1];
                  if (next) show(next.id);
                  else useNav.getState().go('generate');
                }}
                data-testid="setup-next"
              >
                {index + 1 < view.steps.length ? 'Next step' : 'Start generating'}
              </Button>
            ) : null}
          </footer>
        </article>
      </div>
    </section>
  );
}
