import { useEffect } from 'react';
import { History, Inbox, Pause, Play, Sparkles } from 'lucide-react';
import { Badge } from '../components/ui/Badge';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { useNav } from '../stores/nav-store';
import { useQueue, useQueueCounts } from '../stores/queue-store';
import { EndedJob } from './queue/EndedJob';
import { JobCard } from './queue/JobCard';
import { BackendStrip } from './queue/BackendStrip';

export { EndedJob } from './queue/EndedJob';
export { JobCard } from './queue/JobCard';
export { progressText } from './queue/job-text';

/** Every job not over, live, in the order they will run; then the latest ended ones with what can be done next. */
export function QueuePage() {
  const { active, waiting, progress, recent, paused, loaded, setPaused, load } = useQueue();
  const shownWaiting = active.filter((j) => j.status === 'queued' || j.status === 'submitted').length;
  const { running } = useQueueCounts();
  const further = waiting - shownWaiting;
  const failed = recent.filter((j) => j.status === 'failed').length;
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  return (
    <section className="page queue-page" aria-labelledby="queue-title">
      <header className="page-header">
        <h1 id="queue-title">Queue</h1>
        <span className="queue-counts" aria-live="polite" data-testid="queue-counts">
          <Badge>{running}</Badge> running <Badge>{waiting.toLocaleString()}</Badge> waiting
          {paused && <span className="status-pill paused">Paused</span>}
        </span>
        <div className="spacer" />
        <Button
          variant={paused ? 'primary' : 'secondary'}
          icon={paused ? <Play size={16} /> : <Pause size={16} />}
          onClick={() => void setPaused(!paused)}
          data-testid="pause-toggle"
        >
          {paused ? 'Resume queue' : 'Pause queue'}
        </Button>
      </header>
      {paused && (
        <p className="banner warn">The queue is paused: running jobs finish, queued jobs wait until you resume.</p>
      )}
      <BackendStrip />
      <h2 className="section-title">Now</h2>
      {active.length === 0 ? (
        <EmptyState
          icon={Inbox}
          compact
          action={
            <Button variant="primary" icon={<Sparkles size={16} />} onClick={() => useNav.getState().go('generate')}>
              Generate something
            </Button>
          }
        >
          Nothing queued. Jobs from Discord and from Generate show up here live.
        </EmptyState>
      ) : (
        <ul className="job-list" data-testid="active-jobs">
          {active.map((job) => (
            <JobCard key={job.id} job={job} progress={progress[job.id]} />
          ))}
          {further > 0 && (
            <li className="muted further" data-testid="further-waiting">
              …and {further.toLocaleString()} more waiting further back. They show here as they move up.
            </li>
          )}
        </ul>
      )}
      <h2 className="section-title">Recent{failed > 0 ? <span className="muted"> · {failed} failed</span> : null}</h2>
      {recent.length === 0 ? (
        <EmptyState icon={History} compact>
          No finished jobs yet.
        </EmptyState>
      ) : (
        <ul className="ended-list" data-testid="recent-jobs">
          {recent.map((job) => (
            <EndedJob key={job.id} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}
