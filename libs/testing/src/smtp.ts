import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';
import { freePort } from './net';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO as the server saw them. */
  readonly envelope: { readonly from: string | null; readonly to: readonly string[] };
  /** The message as mailparser reads it: subject, from, to, text, attachments, headers. */
  readonly mail: ParsedMail;
}

/**
 * A real SMTP server process-local for tests (the `smtp-server` package): plain SMTP without STARTTLS,
 * any or no login accepted, every message parsed with mailparser into `received`. `respond` may
 * refuse a message: return an SMTP reply code and text (e.g. `{ code: 451, message: 'try later' }`).
 */
export async function startSmtpServer(respond: (mail: ReceivedMail) => { code: number; message: string } | undefined = () => undefined): Promise<{
  url: string;
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onData(stream, session, callback) {
      const envelope = session.envelope as SMTPServerEnvelope;
      simpleParser(stream)
        .then((mail) => {
          const entry = { envelope: { from: envelope.mailFrom ? envelope.mailFrom.address : null, to: envelope.rcptTo.map((r) => r.address) }, mail };
          const refusal = respond(entry);
          if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          received.push(entry);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `smtp://127.0.0.1:${port}`, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
