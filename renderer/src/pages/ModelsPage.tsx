import { useEffect, useMemo } from 'react';
import { Package } from 'lucide-react';
import { WorkflowModelsCard } from '../components/models/WorkflowModelsCard';
import { EmptyState } from '../components/ui/EmptyState';
import { Skeleton } from '../components/ui/Skeleton';
import { NO_MODELS, useAppStore } from '../stores/app-store';
import { useCatalog } from '../stores/catalog-store';
import { suggestedOrder, workflowNeeds } from '../stores/models-logic';
import { useModels } from '../stores/models-store';
import { DownloadsList } from './models/DownloadsList';
import { LinkDownload } from './models/LinkDownload';
import { TokensCard } from './models/TokensCard';

/** Model files: what each workflow needs and how to get it, downloads with progress, links, tokens. */
export function ModelsPage() {
  const workflows = useCatalog((s) => s.workflows);
  const remembered = useAppStore((s) => s.settings?.models ?? NO_MODELS);
  const { loaded, load, readiness, catalog, downloads, catalogProblem } = useModels();
  useEffect(() => void load(), [load]);
  // What needs a file first (that is what this page is for), then what is ready.
  const needs = useMemo(
    () =>
      suggestedOrder(
        workflowNeeds(
          workflows.map((w) => w.manifest),
          readiness,
          catalog,
          downloads,
          remembered,
        ),
      ),
    [workflows, readiness, catalog, downloads, remembered],
  ).sort((a, b) => Number(a.state === 'ready') - Number(b.state === 'ready'));
  return (
    <section className="page" aria-labelledby="models-title">
      <header className="page-header">
        <h1 id="models-title">Models</h1>
        <span className="muted">
          {needs.filter((n) => n.state === 'ready').length} of {needs.length} workflows can run
        </span>
      </header>
      {catalogProblem && <p className="banner warn">{catalogProblem}</p>}
      <div className="two-columns models-layout">
        <div className="models-workflows">
          <h2 className="section-title">Workflows</h2>
          {!loaded ? (
            <Skeleton lines={6} />
          ) : needs.length === 0 ? (
            <EmptyState icon={Package}>No workflow is installed.</EmptyState>
          ) : (
            needs.map((n) => <WorkflowModelsCard key={n.manifest.id} needs={n} />)
          )}
        </div>
        <div className="models-side">
          <DownloadsList />
          <LinkDownload />
          <TokensCard />
        </div>
      </div>
    </section>
  );
}
