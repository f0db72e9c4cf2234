import { UsageError } from '../errors.ts';
import { userUsage } from '../help.ts';
import type { PasswordSource } from './args.ts';

export interface PasswordInput {
  /** Whether stdin is a terminal: an implicit stdin password is only taken from a pipe. */
  isTTY: boolean;
  read(): Promise<string>;
}

/**
 * Turns the password source into the password. One trailing newline is dropped because
 * `echo secret | gatehouse ...` and files written by editors end with one.
 */
export async function resolvePassword(source: PasswordSource, stdin: PasswordInput): Promise<string> {
  if (source.from === 'stdin' && !source.explicit && stdin.isTTY) {
    throw new UsageError('a password is needed: --password <pw>, or --password - to read it from stdin', userUsage);
  }
  const password = source.from === 'argument' ? source.value : (await stdin.read()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('the password is empty', userUsage);
  return password;
}

/** Reads a whole stream as UTF-8 (stdin in production, a fake in tests). */
export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // Decoded once at the end so a multi-byte character split across chunks survives.
  return Buffer.concat(chunks).toString('utf8');
}
