/**
 * What a bench script does with --help and with a flag it does not know: the usage line on
 * stdout (exit 0), or one line on stderr saying what to fix (exit 2), never a stack trace.
 */
export function helpOrBadFlag(flag: string, usage: string): never {
  if (flag === '--help' || flag === '-h') {
    console.log(usage);
    process.exit(0);
  }
  console.error(`unknown flag ${flag}; usage: ${usage}`);
  process.exit(2);
}
