/**
 * How the GPU is shared: the fair share's window, a daily cap for every Discord user across servers, and the
 * time zone days are counted in. Each server's role shares, quotas and channel rules are on the Discord bot page.
 */
import { useEffect, useState } from 'react';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { NumberField } from '../../components/NumberField';
import { useAppStore } from '../../stores/app-store';

export function SharingSettings() {
  const usage = useAppStore((s) => s.settings?.usage);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [windowMinutes, setWindow] = useState('');
  const [cap, setCap] = useState('');
  const [timeZone, setTimeZone] = useState('');
  useEffect(() => {
    if (!usage) return;
    setWindow(String(usage.windowMinutes));
    setCap(usage.dailyCapMinutes === null ? '' : String(usage.dailyCapMinutes));
    setTimeZone(usage.timeZone);
  }, [usage]);
  if (!usage) return null;

  const save = () =>
    void updateSettings(
      {
        usage: {
          windowMinutes: Number(windowMinutes),
          dailyCapMinutes: cap.trim() === '' ? null : Number(cap),
          timeZone: timeZone.trim(),
        },
      },
      'Sharing saved.',
    );

  return (
    <div className="card" data-testid="sharing-settings">
      <div className="card-header">
        <h2>Sharing</h2>
      </div>
      <p className="muted">
        The next job goes to whoever used the least GPU time over the window (a server’s role may weigh more); a
        newcomer starts level with the least active user. A job that would start past a daily limit is refused with what
        is left; limits reset at midnight, and running jobs are never cut.
      </p>
      <div className="usage-settings">
        <NumberField
          id="usage-window"
          label="Fair-share window (minutes)"
          min={5}
          max={10080}
          value={windowMinutes}
          onChange={setWindow}
        />
        <NumberField
          id="usage-cap"
          label="Daily GPU minutes per Discord user"
          hint="Across every server; empty for no cap."
          min={0}
          max={1440}
          value={cap}
          placeholder="No cap"
          onChange={setCap}
        />
        <Field id="usage-tz" label="Time zone" hint="e.g. Europe/Berlin; empty for this computer’s.">
          <Input value={timeZone} placeholder="This computer’s" onChange={(e) => setTimeZone(e.target.value)} />
        </Field>
      </div>
      <Button variant="primary" onClick={save} data-testid="sharing-save">
        Save
      </Button>
    </div>
  );
}
