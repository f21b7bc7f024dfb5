import { Sparkles } from 'lucide-react';
import { mediaUrl } from '../../api/media';
import { EmptyState } from '../../components/ui/EmptyState';
import { useGenerate } from '../../stores/generate-store';
import { useNav } from '../../stores/nav-store';
import { useQueue } from '../../stores/queue-store';
import { EndedJob, JobCard } from '../QueuePage';

/** The jobs sent from this form in this session: live progress, then the result's thumbnails. */
export function GenerateResults() {
  const { submitted, outputs } = useGenerate();
  const jobs = useQueue((s) => s.byId);
  const progress = useQueue((s) => s.progress);
  return (
    <div className="generate-results" aria-live="polite">
      <h2 className="section-title">Your jobs</h2>
      {submitted.length === 0 && (
        <EmptyState icon={Sparkles} compact>
          Write a prompt and press Generate: progress shows here, the images land in the gallery.
        </EmptyState>
      )}
      <ul className="job-list">
        {submitted.map((id) => {
          const job = jobs[id];
          if (!job) return null;
          if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') {
            return (
              <li key={id} className="generate-result" data-testid="generate-result" data-status={job.status}>
                <ul className="ended-list">
                  <EndedJob job={job} compact />
                </ul>
                <div className="result-thumbs">
                  {(outputs[id] ?? []).map((o) => (
                    <button
                      key={o.id}
                      type="button"
                      className="result-thumb"
                      aria-label="Open in the gallery"
                      onClick={() => useNav.getState().go('gallery')}
                    >
                      {o.kind === 'image' ? (
                        <img src={mediaUrl('file', o.id)} alt={o.prompt} />
                      ) : (
                        <video src={mediaUrl('file', o.id)} muted loop autoPlay />
                      )}
                    </button>
                  ))}
                </div>
              </li>
            );
          }
          return <JobCard key={id} job={job} progress={progress[id]} compact />;
        })}
      </ul>
    </div>
  );
}
