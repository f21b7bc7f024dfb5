import initial from './001-initial';
import discordOutbox from './003-discord-outbox';
import resolvedRequests from './004-resolved-requests';
import downloads from './005-downloads';
import jobNumbers from './006-job-numbers';
import libraryTrash from './007-library-trash';
import setupAndTemplateModels from './008-setup-and-template-models';
import fairShare from './011-fair-share';
import launchDevice from './012-launch-device';
import backendTlsPin from './013-backend-tls-pin';
import jobsEndedIndex from './014-jobs-ended-index';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order. Add a file `NNN-name.ts` and list it here; never edit one that has shipped. */
export const migrations: Migration[] = [
  initial,
  discordOutbox,
  resolvedRequests,
  downloads,
  jobNumbers,
  libraryTrash,
  setupAndTemplateModels,
  fairShare,
  launchDevice,
  backendTlsPin,
  jobsEndedIndex,
];
