/**
 * Outgoing e-mail. With SMTP_URL set, messages go through that SMTP server; without it they are written to the log,
 * so that a fresh installation can still hand out sign-in links. Tests point SMTP_URL at a local catcher.
 */
import type { Logger } from '../shared/log.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createMailer(options: { smtpUrl: string | null; from: string }, logger: Logger): Mailer {
  if (!options.smtpUrl) {
    return {
      async send(message) {
        logger.info('e-mail not sent (SMTP_URL is not set); its text follows', { to: message.to, subject: message.subject, text: message.text });
      },
    };
  }
  const smtpUrl = options.smtpUrl;
  // Loaded on the first message: most `om` commands never send one, and the module is large.
  let transport: Promise<import('nodemailer').Transporter> | null = null;
  return {
    async send(message) {
      transport ??= import('nodemailer').then((nodemailer) => nodemailer.default.createTransport(smtpUrl));
      await (await transport).sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
      logger.info('e-mail sent', { to: message.to, subject: message.subject });
    },
  };
}
