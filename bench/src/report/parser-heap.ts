/**
 * `npm run bench:parser-heap`: the V8 heap one connection's XML stream parser holds, fresh,
 * after a stream header, and after a first stanza. Figure 3 sums the RSS of every process,
 * whose collectors move it by more than a few kB per session; this isolates the part of a
 * session that the gateway's own code decides.
 */
import { XmppStreamParser } from '@gatehouse/xmpp';

const PARSERS = 20_000;
const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
const STANZA = "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>";

const { gc } = globalThis as { gc?: () => void };
if (!gc) throw new Error('run with node --expose-gc');
const collect = gc;

function heapPerParser(input: string): number {
  const held: XmppStreamParser[] = [];
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < PARSERS; i++) {
    const parser = new XmppStreamParser({ maxStanzaBytes: () => 262_144 });
    parser.on('streamStart', () => {});
    parser.on('stanza', () => {});
    parser.on('error', () => {});
    if (input) parser.write(Buffer.from(input));
    held.push(parser);
  }
  collect();
  return (process.memoryUsage().heapUsed - before) / held.length / 1024;
}

for (const [label, input] of [
  ['fresh', ''],
  ['after the stream header', HEADER],
  ['after a first stanza', HEADER + STANZA],
] as const) {
  console.log(`heap per stream parser, ${label}: ${heapPerParser(input).toFixed(2)} kB`);
}
