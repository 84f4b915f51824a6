/**
 * A flag's value read without validating the rest (`--name v` or `--name=v`), so a run whose flags do not parse
 * still records its failure where its outputs would have gone.
 */
export function rawFlag(argv: string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) value = argv[i + 1];
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
  }
  return value === undefined || value === '' || value.startsWith('--') ? undefined : value;
}
