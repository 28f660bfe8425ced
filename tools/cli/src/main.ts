import { parseArgs } from 'node:util';
import { up } from './commands/up';
import { simulate } from './commands/simulate';

const HELP = `twinline — event-sourced digital twin for predictive maintenance

Usage: npx twinline <command> [options]

Commands:
  up [--demo] [--quiet]        start NATS/Postgres/MQTT where missing, then the five services and the console;
                               --demo sends the P-101 table and prints the twin table
  simulate [--via mqtt|http]   send the source study's P-101 table (or --csv <file>) to ingestion
           [--csv <file>] [--asset <id>] [--device <id>] [--site <site>] [--seq-base <n>]
  bench [--readings <n>]       measure throughput and latency through the running platform
  bench replay [--events <n>]  replay benchmark (no platform needed): seeds a temporary schema with
                               n twin events (default 1000000), prints the raw Postgres read rate,
                               replay (read + fold) and twin_view rebuild rates in events/s, drops it
  projections rebuild <twin-view|alarm-log|work-orders> [--service-url <url>] [--token <admin>]
                               rebuild a read model from position 0 next to the live one, swap it in
                               when caught up; prints position/head, events/s and ETA until swapped
  projections list             the read models of twin-state and the scheduler, last rebuild each
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
  eval skab [--json]           SKAB pump testbed, its protocol: 34 files, first 400 rows fit the
                               anomaly detector, the rest scored: F1, FAR, MAR, NAB scores beside the
                               published leaderboard (no platform needed). --data <dir>
                               --platform --file <csv>: send one SKAB file to the running platform and
                               check it decides exactly what the harness decides (exit code 1 if not)
  eval cmapss [--json]         NASA C-MAPSS FD001: RUL model cross-validated over training engines
                               (or --test/--rul): RMSE, PHM08 score, FailurePredicted lead time.
                               --train <file> --folds <n> --seed <n> --horizon <cycles>
  eval azure-pdm [--json]      Azure PdM subset: precision and recall of FailurePredicted within
                               24 h before each recorded failure. --data <dir> --horizon-hours <h>
  eval seed [--json]           the source study's P-101 table (statuses as its Table 1) and pipeline
                               remaining life (Barlow) on the thickness-loss table. --data <csv>
  audit rederive <assetId>     re-derive the asset's decisions (alarms, status, sensor faults,
                               security alerts, work orders) from its stored readings by the rules
                               recorded as in force; prints OK or the first divergence, exit code 1
                               on a divergence. Options: --json --twin <url> --scheduler <url> --token
  audit verify [--service twin-state|maintenance-scheduler|all] [--stream <id>] [--json]
                               walk every event's hash chain in the services' stores; prints OK or
                               the first broken link of each broken stream (edited, deleted,
                               inserted or reordered event), exit code 1 when any is broken
  audit heads [--service ...] [--stream <id>] [--out <file>]
                               every stream's head (version, hash) and the digest over them, as
                               JSON, to anchor elsewhere
  audit export <assetId> [--service twin-state|maintenance-scheduler] [--format jsonl|csv]
               [--out <file>]  the asset's full history (twin events, or work-order events) with
                               its chain head (JSONL: last line; CSV: <file>.head.json)
  audit verify-file <file> [--head <head.json>] [--json]
                               re-compute an export's chains offline and compare with its head;
                               prints OK or the first broken link, exit code 1 when broken.
                               audit commands take --token (else TWINLINE_TOKEN, else an auditor
                               token from the local secret), --twin <url>, --scheduler <url>
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
      // An evaluation that found a failed check set process.exitCode.
      process.stdout.write('', () => process.exit(process.exitCode ?? 0));
      return;
    }
    case 'bench': {
      if (rest[0] === 'replay') {
        const { benchReplay } = await import('./commands/bench-replay');
        await benchReplay(rest.slice(1));
        return;
      }
      const { bench } = await import('./commands/bench');
      await bench(rest);
      return;
    }
    case 'projections': {
      const { projections } = await import('./commands/projections');
      await projections(rest);
      // fetch keeps idle connections to the services open for up to a minute: do not wait for them.
      process.stdout.write('', () => process.exit(0));
      return;
    }
    case 'audit': {
      const [sub, ...args] = rest;
      if (sub === 'rederive') {
        const { auditRederive } = await import('./commands/audit-rederive');
        const code = await auditRederive(args);
        // fetch keeps idle connections open: exit with the verdict at once.
        process.stdout.write('', () => process.exit(code));
        return;
      }
      if (sub === 'verify' || sub === 'heads' || sub === 'export' || sub === 'verify-file') {
        const { audit } = await import('./commands/audit');
        await audit(rest);
        // fetch keeps idle connections open: exit at once (code 1 when a chain is broken).
        process.stdout.write('', () => process.exit(process.exitCode ?? 0));
        return;
      }
      throw new Error(`unknown audit command "${sub ?? ''}": audit verify | heads | export <assetId> | verify-file <file> | rederive <assetId>`);
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
