import { useEffect, useMemo, useState } from 'react';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { WorkflowModelsCard } from '../../components/models/WorkflowModelsCard';
import { Skeleton } from '../../components/ui/Skeleton';
import { NO_MODELS, useAppStore } from '../../stores/app-store';
import { useCatalog } from '../../stores/catalog-store';
import { startHere, suggestedOrder, workflowNeeds } from '../../stores/models-logic';
import { useModels } from '../../stores/models-store';

/**
 * Step 2: which workflows can run with the files ComfyUI has. The one to start with (a text-to-image workflow,
 * the least to download) comes first, open; the others below.
 */
export function ModelsStep() {
  const workflows = useCatalog((s) => s.workflows);
  const remembered = useAppStore((s) => s.settings?.models ?? NO_MODELS);
  const { loaded, load, readiness, catalog, downloads } = useModels();
  const [showAll, setShowAll] = useState(false);
  useEffect(() => void load(), [load]);
  const needs = useMemo(
    () =>
      suggestedOrder(
        workflowNeeds(
          workflows.filter((w) => w.source === 'bundled').map((w) => w.manifest),
          readiness,
          catalog,
          downloads,
          remembered,
        ),
      ),
    [workflows, readiness, catalog, downloads, remembered],
  );
  if (!loaded) return <Skeleton lines={4} />;
  const first = startHere(needs);
  const rest = needs.filter((n) => n !== first);
  const ready = needs.filter((n) => n.state === 'ready').length;
  return (
    <div className="setup-models">
      <p>
        {ready === 0
          ? 'ComfyUI has none of the model files these workflows use yet. One text-to-image workflow is enough to begin: get its files here, or pick files ComfyUI already has.'
          : `${ready} of ${needs.length} workflows can run now.`}
      </p>
      {first && <WorkflowModelsCard needs={first} suggested={first.state !== 'ready'} />}
      <button type="button" className="disclosure" aria-expanded={showAll} onClick={() => setShowAll(!showAll)}>
        {showAll ? <ChevronDown size={16} aria-hidden="true" /> : <ChevronRight size={16} aria-hidden="true" />}
        Other workflows ({rest.length})
      </button>
      {showAll && rest.map((n) => <WorkflowModelsCard key={n.manifest.id} needs={n} />)}
    </div>
  );
}
