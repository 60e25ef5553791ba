import * as assert from 'node:assert/strict';
import { parseBootstrapServers } from '../../src/connections/bootstrap';

describe('parseBootstrapServers', () => {
  it('splits on commas and spaces, drops duplicates and schemes', () => {
    assert.deepEqual(parseBootstrapServers(' localhost:9092, kafka-1.example.com:9093  PLAINTEXT://b:1,localhost:9092'), {
      servers: ['localhost:9092', 'kafka-1.example.com:9093', 'b:1'],
    });
  });

  it('accepts bracketed IPv6 addresses', () => {
    assert.deepEqual(parseBootstrapServers('[::1]:9092'), { servers: ['[::1]:9092'] });
  });

  it('explains what is wrong with which entry', () => {
    assert.deepEqual(parseBootstrapServers(''), {
      error: 'Enter at least one bootstrap server as host:port, for example localhost:9092.',
    });
    assert.deepEqual(parseBootstrapServers('localhost'), {
      error: '"localhost" is not host:port (for example localhost:9092).',
    });
    assert.deepEqual(parseBootstrapServers('a:1,b:70000'), {
      error: '"b:70000" has port 70000; a port is between 1 and 65535.',
    });
  });
});
