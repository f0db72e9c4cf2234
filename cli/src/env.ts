import { ConfigError, commonEnv } from '@gatehouse/config';

export interface CliEnv {
  natsUrl: string;
  namespace: string;
}

/**
 * The CLI reads only the two variables that say which stack to talk to, with the same
 * rules and defaults as the services (commonEnv), so both agree on what an unset one means.
 */
export function readCliEnv(env: Record<string, string | undefined>): CliEnv {
  const natsUrl = commonEnv.NATS_URL.safeParse(env.NATS_URL || undefined);
  const namespace = commonEnv.GATEHOUSE_NAMESPACE.safeParse(env.GATEHOUSE_NAMESPACE || undefined);
  const problems = [
    ...(natsUrl.success ? [] : natsUrl.error.issues.map((issue) => `NATS_URL: ${issue.message}`)),
    ...(namespace.success ? [] : namespace.error.issues.map((issue) => `GATEHOUSE_NAMESPACE: ${issue.message}`)),
  ];
  if (!natsUrl.success || !namespace.success) throw new ConfigError(problems);
  return { natsUrl: natsUrl.data, namespace: namespace.data };
}
