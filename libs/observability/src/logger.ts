import { trace } from '@opentelemetry/api';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Structured JSON lines on stdout, with the active trace and span ids when there is a span. */
export function createLogger(service: string, level: LogLevel = (process.env.LOG_LEVEL as LogLevel) ?? 'info', base: Record<string, unknown> = {}): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const span = trace.getActiveSpan()?.spanContext();
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, service, msg, ...base, ...fields };
    if (span) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    if (line.error instanceof Error) line.error = { message: line.error.message, name: line.error.name, code: (line.error as { code?: string }).code };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(service, level, { ...base, ...fields }),
  };
}
