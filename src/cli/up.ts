import { Platform, type PlatformOptions } from '../platform.js';

/** `neutrino up`: runs the platform in the foreground until SIGINT or SIGTERM. */
export async function runUp(o: PlatformOptions & { quickstart?: boolean }): Promise<void> {
  const p = await Platform.start(o);
  const lines = [
    `Neutrino is up at ${p.url}  (home ${p.home})`,
    `  API docs: ${p.url}/docs   OpenAPI: ${p.url}/openapi.json`,
  ];
  if (o.noAuth) lines.push('  auth is OFF (--no-auth): any local process can use this platform');
  else if (p.adminToken)
    lines.push(
      `  admin token (shown once, keep it): ${p.adminToken}`,
      `  use it with: neutrino login --url ${p.url} --token ${p.adminToken}`,
    );
  console.log(lines.join('\n'));
  if (o.quickstart) {
    console.log("\nRunning the seed's quickstart on this platform:");
    const { runQuickstart } = await import('./quickstart.js');
    try {
      await runQuickstart({ out: '.', url: p.url, token: p.processToken, json: false });
      console.log(
        `\nThe platform keeps running (Ctrl-C stops it). After \`neutrino login\`, try: npx neutrino predict quickstart --rows '[{"x": 0.25}]'`,
      );
    } catch (e) {
      console.error(`quickstart failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${sig}: stopping workers and replicas...`);
      p.stop().then(
        () => {
          console.log('stopped');
          resolve();
        },
        (e) => {
          console.error(`error while stopping: ${e}`);
          resolve();
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
