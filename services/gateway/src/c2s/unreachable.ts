/** The `never` check that ends a `switch` over a union: a new member fails to compile until handled. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
