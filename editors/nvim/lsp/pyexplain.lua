-- Neovim >= 0.11: `vim.lsp.config('pyexplain', {...})` merges with this file,
-- `vim.lsp.enable('pyexplain')` starts it for Python buffers.
local pyexplain = require('pyexplain')
return {
  cmd = pyexplain.default_cmd(), -- $PYEXPLAIN_PATH, else `pyexplain` on PATH
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
  -- Server settings go in init_options or settings.pyexplain (settings win):
  -- language ('auto': the editor's locale, then LANG; 'zh'; 'en'), select,
  -- ignore, hover = { enable, verbosity, level, ['repeat'] }, inlayHints = { enable } (then
  -- `vim.lsp.inlay_hint.enable(true)` shows them).
  init_options = {},
  settings = { pyexplain = {} },
  -- Both carry the same object, so the didChangeConfiguration Neovim sends
  -- after initialize keeps what init_options said.
  before_init = function(...)
    return pyexplain.before_init(...)
  end,
  -- A server that stops on its own is said (vim.notify), with its path.
  on_exit = function(...)
    return pyexplain.on_exit(...)
  end,
  handlers = {
    -- "Open the chapter": show the note in a split, heading selected.
    ['window/showDocument'] = function(...)
      return pyexplain.show_document(...)
    end,
  },
}
