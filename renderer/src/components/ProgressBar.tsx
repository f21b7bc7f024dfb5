interface Props {
  percent: number;
  label: string;
  tone?: 'running' | 'queued' | 'done' | 'failed';
}

export function ProgressBar({ percent, label, tone = 'running' }: Props) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <div
      className={`progress ${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(p)}
    >
      <div className="progress-fill" style={{ width: `${p}%` }} />
    </div>
  );
}
