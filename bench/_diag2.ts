import { startUi } from '@test/renderer/harness';
import { seedDemo } from '@test/renderer/demo-data';
async function main() {
  const ui = await startUi();
  const demo = await seedDemo(ui);
  const snap = await ui.core.api.call('jobs.queue', {}, { caller: 'test' });
  console.log(snap.recent.map((j) => `#${j.number} ${j.status} ended=${j.endedAt} started=${j.startedAt} exec=${j.execMs}`).join('\n'));
  await demo.release();
  await ui.close();
}
void main();
