/**
 * The bot's view of the jobs API: typed calls through the core API (`caller: 'discord'`), so the bot goes
 * through the same validation and limits as every other client. Errors arrive as ApiError.
 */
import type { z } from 'zod';
import { ApiError } from '@shared/api';
import type { jobsMethods } from '@shared/api/jobs';
import type { CoreApi } from '@core/api/dispatch';

type JobsMethods = typeof jobsMethods;
type In<M extends keyof JobsMethods> = z.input<JobsMethods[M]['input']>;
type Out<M extends keyof JobsMethods> = z.output<JobsMethods[M]['output']>;

export class JobsPort {
  constructor(private readonly api: Pick<CoreApi, 'dispatch'>) {}

  async call<M extends keyof JobsMethods>(method: M, input: In<M>): Promise<Out<M>> {
    const result = await this.api.dispatch(method, input, { caller: 'discord' });
    if (!result.ok) throw new ApiError(result.error);
    // dispatch() already checked the output against the contract.
    return result.output as Out<M>;
  }

  submit(input: In<'jobs.submit'>): Promise<Out<'jobs.submit'>> {
    return this.call('jobs.submit', input);
  }
  get(id: string): Promise<Out<'jobs.get'>> {
    return this.call('jobs.get', { id });
  }
  list(input: In<'jobs.list'>): Promise<Out<'jobs.list'>> {
    return this.call('jobs.list', input);
  }
  queue(): Promise<Out<'jobs.queue'>> {
    return this.call('jobs.queue', {});
  }
  cancel(id: string): Promise<Out<'jobs.cancel'>> {
    return this.call('jobs.cancel', { id });
  }
  clearUser(userId: string): Promise<Out<'jobs.clearUser'>> {
    return this.call('jobs.clearUser', { userId });
  }
  rerun(input: In<'jobs.rerun'>): Promise<Out<'jobs.rerun'>> {
    return this.call('jobs.rerun', input);
  }
  uploadInput(filename: string, bytes: Buffer): Promise<Out<'jobs.uploadInput'>> {
    return this.call('jobs.uploadInput', { filename, dataBase64: bytes.toString('base64') });
  }
}
