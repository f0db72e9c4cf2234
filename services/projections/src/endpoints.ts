import type { Endpoints } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import { z } from 'zod';
import type { RebuildProgress } from './rebuild.ts';

export class BadRequestError extends Error {
  readonly code = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const accountsListRequest = z.object({ domain: z.string().min(1).optional() }).strict();
const rebuildRequest = z.object({ name: z.string().min(1) }).strict();

function parseRequest<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) throw new BadRequestError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '));
  return parsed.data;
}

export interface EndpointDeps {
  listAccounts(domain?: string): Promise<string[]>;
  rebuild(name: string, onProgress: (progress: RebuildProgress) => void): Promise<RebuildProgress>;
  logger: Logger;
}

/** Progress of a rebuild reaches the log every this many events (a reply cannot stream it). */
const PROGRESS_EVERY = 1_000;

/** The `projections` service API (docs/architecture.md): requests and replies are JSON. */
export function projectionEndpoints({ listAccounts, rebuild, logger }: EndpointDeps): Endpoints {
  return {
    'accounts.list': async (payload) => {
      const { domain } = parseRequest(accountsListRequest, payload);
      return { accounts: await listAccounts(domain) };
    },
    rebuild: async (payload) => {
      const { name } = parseRequest(rebuildRequest, payload);
      return rebuild(name, ({ applied, total }) => {
        if (applied % PROGRESS_EVERY === 0 || applied === total) logger.info({ projection: name, applied, total }, 'rebuilding');
      });
    },
  };
}
