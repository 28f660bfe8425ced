import { parseArgs } from 'node:util';
import { up } from './commands/up';
import { simulate } from './commands/simulate';

const HELP = `twinline — event-sourced digital twin for predictive maintenance

Usage: npx twinline <command> [options]

Commands:
  up [--demo] [--quiet]        start NATS/Postgres/MQTT where missing, then the five services;
                               --demo sends the P-101 table and prints the twin table
  simulate [--via mqtt|http]   send the source study's P-101 table (or --csv <file>) to ingestion
           [--csv <file>] [--asset <id>] [--device <id>] [--site <site>] [--seq-base <n>]
  bench [--readings <n>]       measure throughput and latency through the running platform
  token create --sub <name> --role <role> [--role <role> ...] [--ttl 12h|30d|3600]
                               print an access token for the HTTP APIs (roles: operator, planner,
                               auditor, admin; default lifetime 12h), signed with AUTH_SECRET,
                               AUTH_SECRET_FILE or .twinline/auth-secret (created by "up")
  eval security [--json]       the security stress test: SKAB's anomaly-free pump run with faults
                               of every class injected (seeded) and sent over MQTT and HTTP to the
                               running platform; per class injected, detected, missed, and clean
                               readings wrongly quarantined. Options: --rows <n> --seed <n>
                               --faults-per-class <n> --stuck-episodes <n> --stuck-length <n>
                               --data <dir> (or TWINLINE_DATA_DIR) --timeout <s> --token <admin>
                               --ingestion/--integrity/--twin <url> --mqtt <url> --topic-root <root>
                               --mqtt-window <n> (readings on their way at most; default 500)
  help                         this text

Environment: NATS_URL, DATABASE_URL, MQTT_URL, INGESTION_URL, AUTH_SECRET, AUTH_SECRET_FILE (see README.md).`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
      await up({ demo: values.demo!, quiet: values.quiet! });
      return;
    }
    case 'simulate': {
      const { values } = parseArgs({
        args: rest,
        options: {
          via: { type: 'string', default: 'mqtt' },
          csv: { type: 'string' },
          asset: { type: 'string', default: 'P-101' },
          device: { type: 'string' },
          site: { type: 'string', default: 'demo-site' },
          'seq-base': { type: 'string' },
        },
      });
      if (values.via !== 'mqtt' && values.via !== 'http') throw new Error(`--via must be mqtt or http, got "${values.via}"`);
      if (values['seq-base'] !== undefined && !/^\d+$/.test(values['seq-base'])) throw new Error(`--seq-base must be a non-negative integer, got "${values['seq-base']}"`);
      await simulate({
        via: values.via,
        assetId: values.asset!,
        site: values.site!,
        ...(values.csv ? { csv: values.csv } : {}),
        ...(values.device ? { deviceId: values.device } : {}),
        ...(values['seq-base'] !== undefined ? { seqBase: Number(values['seq-base']) } : {}),
      });
      return;
    }
    case 'token': {
      const { token } = await import('./commands/token');
      token(rest);
      return;
    }
    case 'eval': {
      const { evaluate } = await import('./commands/eval');
      await evaluate(rest);
      // fetch keeps idle connections to the services open for up to a minute: do not wait for them.
      process.stdout.write('', () => process.exit(0));
      return;
    }
    case 'bench': {
      const { bench } = await import('./commands/bench');
      await bench(rest);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return;
    default:
      throw new Error(`unknown command "${command}"\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`✖ ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
