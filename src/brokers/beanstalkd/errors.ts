/**
 * Beanstalkd failures in words a user can act on. Every failure of the admin client and the
 * connection check is a `BeanstalkdError` whose `kind` says what went wrong, so a form or tree node
 * can pick its next step (check the port, start the server, shrink the job) without reading text.
 * Nothing here imports `vscode`.
 */
import * as net from 'node:net';
import { BrokerOperationError } from '../../core/errors';
import { BeanstalkdConnectionError, BeanstalkdReplyError } from './protocol';

export type BeanstalkdErrorKind =
  | 'address'
  | 'refused'
  | 'dns'
  | 'timeout'
  | 'not-beanstalkd'
  | 'connection-lost'
  | 'job-too-big'
  | 'draining'
  | 'expected-crlf'
  | 'bad-format'
  | 'not-found'
  | 'server-error'
  | 'invalid-argument'
  | 'unexpected-reply';

export class BeanstalkdError extends BrokerOperationError {
  constructor(
    readonly kind: BeanstalkdErrorKind,
    userMessage: string,
    cause?: unknown,
  ) {
    super(userMessage, cause);
    this.name = 'BeanstalkdError';
  }
}

/** What a reply or a banner looked like, for "not a beanstalkd server" sentences. */
export function describeForeignReply(text: string): string {
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  if (/^HTTP\/\d/.test(firstLine)) {
    return `it answered like an HTTP server ("${printable(firstLine)}")`;
  }
  if (/^[-+]/.test(firstLine)) {
    return `it answered like a Redis server ("${printable(firstLine)}")`;
  }
  if (firstLine.startsWith('UNKNOWN_COMMAND')) {
    return 'it does not know the "stats" command';
  }
  return firstLine.length === 0 ? 'it answered with an empty line' : `it answered "${printable(firstLine)}"`;
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}

/** A failed connection (or one that broke) as a sentence naming the address and the next step. */
export function connectionErrorFor(error: unknown, target: { host: string; port: number }): BeanstalkdError {
  if (error instanceof BeanstalkdError) {
    return error;
  }
  const code = error instanceof BeanstalkdConnectionError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
  const host = target.host;
  const address = net.isIPv6(host) ? `[${host}]:${target.port}` : `${host}:${target.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new BeanstalkdError('refused', `Nothing accepts connections on ${address}. Is beanstalkd running on that port (beanstalkd -l ${host} -p ${target.port})?`, error);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new BeanstalkdError('dns', `The host name "${host}" could not be resolved. Check its spelling, or use an IP address.`, error);
    case 'ETIMEDOUT':
      return new BeanstalkdError('timeout', `${address} did not accept the connection in time. Check the host, the port and any firewall between.`, error);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new BeanstalkdError('refused', `${address} cannot be reached from this machine (${code}). Check the host and the network.`, error);
    case undefined:
    case 'EPIPE':
    case 'ECONNRESET':
      if (error instanceof BeanstalkdConnectionError) {
        return new BeanstalkdError('connection-lost', `The connection to beanstalkd at ${address} was lost: the server stopped or closed it. Connect again.`, error);
      }
      break;
    default:
      break;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new BeanstalkdError('connection-lost', `The connection to beanstalkd at ${address} failed: ${detail}. Connect again.`, error);
}

export interface ReplyContext {
  address: string;
  jobId?: string;
  tube?: string;
  bodySize?: number;
  maxJobSize?: number;
}

/** A refusal from beanstalkd (its reply word) as a sentence a user can act on. */
export function replyErrorFor(error: BeanstalkdReplyError, context: ReplyContext): BeanstalkdError {
  const word = error.reply.split(' ')[0];
  switch (word) {
    case 'JOB_TOO_BIG': {
      const limit = context.maxJobSize === undefined ? "the server's max-job-size" : `the server's max-job-size of ${context.maxJobSize} bytes`;
      const size = context.bodySize === undefined ? 'The job' : `The job of ${context.bodySize} bytes`;
      return new BeanstalkdError('job-too-big', `${size} is larger than ${limit} (beanstalkd's -z option). Make the job smaller, or restart beanstalkd with a larger -z.`, error);
    }
    case 'DRAINING':
      return new BeanstalkdError('draining', `beanstalkd at ${context.address} is draining and accepts no new jobs (it was sent SIGUSR1). Wait until its jobs are done and restart it, or put the job on another server.`, error);
    case 'EXPECTED_CRLF':
      return new BeanstalkdError('expected-crlf', `beanstalkd did not find the end of the job where its size said (EXPECTED_CRLF): the body length sent did not match the bytes sent. Put the job again.`, error);
    case 'BAD_FORMAT':
      return new BeanstalkdError('bad-format', `beanstalkd did not accept the ${error.command} command's arguments (BAD_FORMAT). Check the tube name, job id and numbers.`, error);
    case 'NOT_FOUND':
      return new BeanstalkdError(
        'not-found',
        context.jobId !== undefined
          ? `Job ${context.jobId} was not found (NOT_FOUND): it was deleted, never existed, or is reserved by another worker${error.command === 'kick-job' ? ' or is neither buried nor delayed' : ''}.`
          : context.tube !== undefined
            ? `The tube "${context.tube}" was not found (NOT_FOUND): beanstalkd removes a tube once it has no jobs and no clients.`
            : `beanstalkd found nothing for ${error.command} (NOT_FOUND).`,
        error,
      );
    case 'OUT_OF_MEMORY':
      return new BeanstalkdError('server-error', `beanstalkd at ${context.address} is out of memory (OUT_OF_MEMORY) and refused ${error.command}. Free jobs (delete or kick and consume them) or give it more memory.`, error);
    case 'INTERNAL_ERROR':
      return new BeanstalkdError('server-error', `beanstalkd at ${context.address} reported an internal error (INTERNAL_ERROR) on ${error.command}. Check its log; restarting it may help.`, error);
    default:
      return new BeanstalkdError('unexpected-reply', `beanstalkd answered "${error.reply}" to ${error.command}, which this extension did not expect.`, error);
  }
}
