import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mq-explorer.mq-explorer';

describe('extension activation', () => {
  it('is installed in the host', () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} not found`);
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers mqExplorer.refresh', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('mqExplorer.refresh'), 'mqExplorer.refresh is not registered');
  });
});
