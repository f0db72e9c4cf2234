/**
 * Phase 3: each service started alone, one at a time, so each figure is its own. Per
 * service: once on an empty namespace (what the process costs with no data), then twice
 * on the seeded one: the first start makes its durable consumers and checkpoints and
 * reads everything through them, the restart finds them, as every later start does.
 */
import type { TrackedProcess } from '../proc/meter.ts';
import type { ServiceName } from './options.ts';
import { serviceEnv, type ServiceEnvInput } from './service-env.ts';
import { measureStart, type StartFigure } from './service-start.ts';

export interface ServiceStartsRequest {
  services: readonly ServiceName[];
  seeded: ServiceEnvInput;
  empty: ServiceEnvInput;
  readyTimeoutMs: number;
  idleTimeoutMs: number;
  alsoTracked: () => TrackedProcess[];
  log(message: string): void;
}

export async function measureServiceStarts(request: ServiceStartsRequest): Promise<StartFigure[]> {
  const figures: StartFigure[] = [];
  const { readyTimeoutMs, idleTimeoutMs, alsoTracked } = request;
  for (const service of request.services) {
    const log = (message: string) => request.log(`[${service}] ${message}`);
    const measure = (data: StartFigure['data'], start: StartFigure['start']) => {
      log(`${data} namespace, ${start} start`);
      return measureStart({ service, data, start, env: serviceEnv(data === 'seeded' ? request.seeded : request.empty, service), readyTimeoutMs, idleTimeoutMs, alsoTracked, log });
    };
    figures.push(await measure('empty', 'first'));
    const first = await measure('seeded', 'first');
    figures.push(first);
    // A start that never got ready has nothing a restart would find made.
    if (first.outcome === 'ready') figures.push(await measure('seeded', 'restart'));
  }
  return figures;
}
