import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import {
  ConfigGetter,
  didChangeConfigurationParams,
  initializationOptions,
  serverSettings,
} from '../src/settings';

/** A `WorkspaceConfiguration.get` over a flat map of the `pyexplain` keys,
 * with package.json's defaults underneath. */
function config(values: Record<string, unknown> = {}): ConfigGetter {
  const defaults: Record<string, unknown> = {
    language: 'auto',
    select: [],
    ignore: [],
    'hover.enable': true,
    'hover.verbosity': 'full',
    'hover.level': 'usage',
    'hover.repeat': 'brief',
    'inlayHints.enable': false,
    'server.path': '',
    'trace.server': 'off',
  };
  const all = { ...defaults, ...values };
  return (key) => all[key];
}

test('defaults: auto language, hovers on and full, no inlay hints, no rule selection', () => {
  assert.deepEqual(initializationOptions(config()), {
    language: 'auto',
    hover: { enable: true, verbosity: 'full', level: 'usage', repeat: 'brief' },
    inlayHints: { enable: false },
  });
});

test('every setting maps to the key Settings::update reads', () => {
  const opts = initializationOptions(
    config({
      language: 'zh',
      select: ['ALL'],
      ignore: ['open-without-with', 'is-literal'],
      'hover.enable': false,
      'hover.verbosity': 'brief',
      'hover.level': 'everyday',
      'hover.repeat': 'full',
      'inlayHints.enable': true,
    }),
  );
  assert.deepEqual(opts, {
    language: 'zh',
    select: ['ALL'],
    ignore: ['open-without-with', 'is-literal'],
    hover: { enable: false, verbosity: 'brief', level: 'everyday', repeat: 'full' },
    inlayHints: { enable: true },
  });
  // Only server keys: not server.path, not trace.server.
  assert.deepEqual(Object.keys(opts).sort(), ['hover', 'ignore', 'inlayHints', 'language', 'select']);
});

test('didChangeConfiguration carries {pyexplain: {...}} with the same keys', () => {
  const get = config({ language: 'en', ignore: ['dangling-task'], 'hover.verbosity': 'brief' });
  const params = didChangeConfigurationParams(get);
  assert.deepEqual(params, {
    settings: {
      pyexplain: {
        language: 'en',
        ignore: ['dangling-task'],
        hover: { enable: true, verbosity: 'brief', level: 'usage', repeat: 'brief' },
        inlayHints: { enable: false },
      },
    },
  });
  assert.deepEqual(params.settings.pyexplain, initializationOptions(get));
  // What goes over the wire.
  assert.equal(
    JSON.stringify(params.settings),
    '{"pyexplain":{"language":"en","hover":{"enable":true,"verbosity":"brief","level":"usage","repeat":"brief"},"inlayHints":{"enable":false},"ignore":["dangling-task"]}}',
  );
});

test('bad values fall back to the defaults', () => {
  assert.deepEqual(
    serverSettings(
      config({
        language: 'fr',
        select: 'ALL',
        ignore: [1, '', ' x '],
        'hover.enable': 'no',
        'hover.verbosity': 7,
        'hover.level': 'all',
        'hover.repeat': 3,
        'inlayHints.enable': 'yes',
      }),
    ),
    { language: 'auto', ignore: ['x'], hover: { enable: true, verbosity: 'full', level: 'usage', repeat: 'brief' }, inlayHints: { enable: false } },
  );
  assert.deepEqual(serverSettings(() => undefined), {
    language: 'auto',
    hover: { enable: true, verbosity: 'full', level: 'usage', repeat: 'brief' },
    inlayHints: { enable: false },
  });
});

test('an empty rule list is left out (pyproject.toml decides)', () => {
  const s = serverSettings(config({ select: [], ignore: [] }));
  assert.equal('select' in s, false);
  assert.equal('ignore' in s, false);
});
