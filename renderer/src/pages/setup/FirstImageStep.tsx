import { useEffect, useState } from 'react';
import { Images, Sparkles } from 'lucide-react';
import type { Output } from '@shared/library';
import { api } from '../../api/client';
import { mediaUrl } from '../../api/media';
import { ProgressBar } from '../../components/ProgressBar';
import { Button } from '../../components/ui/Button';
import { errorMessage } from '../../lib/format';
import { useGallery } from '../../stores/gallery-store';
import { useNav } from '../../stores/nav-store';
import { useQueue } from '../../stores/queue-store';
import { progressText } from '../QueuePage';

/** Step 3: one button makes a test image with the first workflow that can run, with live progress and preview. */
export function FirstImageStep() {
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outputs, setOutputs] = useState<Output[]>([]);
  const job = useQueue((s) => (jobId ? s.byId[jobId] : undefined));
  const progress = useQueue((s) => (jobId ? s.progress[jobId] : undefined));
  const start = async () => {
    setBusy(true);
    setError(null);
    setOutputs([]);
    try {
      const queued = await api.call('setup.firstImage');
      setJobId(queued.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (!jobId) return;
    return api.on('library.added', (added) => {
      const mine = added.filter((o) => o.jobId === jobId);
      if (mine.length > 0) setOutputs(mine);
    });
  }, [jobId]);
  const done = job?.status === 'done';
  const failed = job?.status === 'failed' || job?.status === 'cancelled';
  const running = job && !done && !failed;
  const openGallery = () => {
    if (outputs[0]) useGallery.getState().open(outputs[0].id);
    useNav.getState().go('gallery');
  };
  return (
    <div className="setup-first-image">
      <p>
        ComfyDesk makes one image with the first workflow that can run, so you see the whole path work: queue, progress,
        result in the gallery.
      </p>
      {!running && !done && (
        <Button
          variant="primary"
          size="lg"
          icon={<Sparkles size={16} />}
          loading={busy}
          onClick={() => void start()}
          data-testid="setup-first-image"
        >
          {failed ? 'Try again' : 'Make a test image'}
        </Button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {job && running && (
        <div className="first-image-live" aria-live="polite">
          <ProgressBar percent={progress?.percent ?? 0} label="Test image" />
          <p className="muted">{progressText(job, progress)}</p>
          {progress?.preview && <img className="first-image-preview" src={progress.preview} alt="Preview so far" />}
        </div>
      )}
      {failed && (
        <p className="field-error" role="alert">
          {job.error ?? 'The job did not finish.'} {job.errorHint ?? ''}
        </p>
      )}
      {done && (
        <div className="first-image-done" data-testid="first-image-done">
          {outputs[0] && outputs[0].kind === 'image' && (
            <img className="first-image-result" src={mediaUrl('file', outputs[0].id)} alt={outputs[0].prompt} />
          )}
          <p className="banner ok">Your first image is in the gallery.</p>
          <Button variant="primary" icon={<Images size={16} />} onClick={openGallery} data-testid="open-first-image">
            Open it in the gallery
          </Button>
        </div>
      )}
    </div>
  );
}
