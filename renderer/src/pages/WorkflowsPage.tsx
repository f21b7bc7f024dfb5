import { useImport } from '../stores/import-store';
import { ImportDrop } from './workflows/ImportDrop';
import { ImportReview } from './workflows/ImportReview';
import { WorkflowList } from './workflows/WorkflowList';
import '../styles/import-health.css';

/** Import a workflow (review, edit, save), and the list of workflows with export and delete. */
export function WorkflowsPage() {
  const proposal = useImport((s) => s.proposal);
  const error = useImport((s) => s.error);
  return (
    <section className="page" aria-labelledby="workflows-title">
      <header className="page-header">
        <h1 id="workflows-title">Workflows</h1>
      </header>
      {error && (
        <div role="alert" className="banner error" data-testid="import-error">
          <strong>{error.title}.</strong> {error.message}
        </div>
      )}
      {proposal ? (
        <ImportReview />
      ) : (
        <div className="card">
          <div className="card-header">
            <h2>Import a workflow</h2>
          </div>
          <ImportDrop />
        </div>
      )}
      <WorkflowList />
    </section>
  );
}
