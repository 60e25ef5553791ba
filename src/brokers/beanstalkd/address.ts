/** "host:port" of a beanstalkd server, parsed and checked before any connection is tried. */
import * as net from 'node:net';
import { BeanstalkdError } from './errors';

export const DEFAULT_BEANSTALKD_PORT = 11300;

export interface BeanstalkdAddress {
  host: string;
  port: number;
}

/** "host:port" as shown to users; an IPv6 host gets brackets. */
export function formatBeanstalkdAddress(address: BeanstalkdAddress): string {
  return net.isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Parses "host", "host:port", "[v6]:port" or a bare IPv6 address; the port defaults to 11300.
 * Throws a BeanstalkdError of kind "address" saying what is wrong.
 */
export function parseBeanstalkdAddress(text: string): BeanstalkdAddress {
  const value = text.trim();
  const fail = (why: string): never => {
    throw new BeanstalkdError('address', `"${text}" is not a beanstalkd address: ${why} Give host:port, for example localhost:${DEFAULT_BEANSTALKD_PORT}.`);
  };
  if (value.length === 0) {
    fail('it is empty.');
  }
  if (value.includes('://')) {
    fail('leave out the scheme (beanstalkd has no URLs).');
  }
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (!net.isIPv6(host)) {
      fail(`"${host}" in brackets is not an IPv6 address.`);
    }
  } else if (net.isIPv6(value)) {
    host = value;
  } else {
    const colon = value.lastIndexOf(':');
    if (value.indexOf(':') !== colon) {
      fail('an IPv6 address with a port needs brackets, as in [::1]:11300.');
    }
    host = colon < 0 ? value : value.slice(0, colon);
    portText = colon < 0 ? undefined : value.slice(colon + 1);
  }
  if (host.length === 0) {
    fail('the host is missing.');
  }
  if (/[\s/@?#]/.test(host)) {
    fail(`the host "${host}" contains a space or one of / @ ? #.`);
  }
  if (portText === undefined) {
    return { host, port: DEFAULT_BEANSTALKD_PORT };
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) {
    fail(`the port "${portText}" is not a number from 1 to 65535.`);
  }
  return { host, port: Number(portText) };
}
