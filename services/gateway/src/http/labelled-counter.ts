/**
 * A Prometheus counter with one label (text exposition format 0.0.4), e.g.
 * `stream_errors_total{condition="policy-violation"}`, as samples for the metrics endpoint.
 */
export class LabelledCounter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly label: string,
  ) {}

  inc(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  samples(): Record<string, number> {
    const samples: Record<string, number> = {};
    for (const [value, count] of this.counts) samples[`${this.name}{${this.label}="${escapeLabel(value)}"}`] = count;
    return samples;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
