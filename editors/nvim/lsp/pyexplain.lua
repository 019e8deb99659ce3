-- Neovim >= 0.11: `vim.lsp.config('pyexplain', {...})` merges with this file,
-- `vim.lsp.enable('pyexplain')` starts it for Python buffers.
return {
  cmd = { vim.env.PYEXPLAIN_PATH or 'pyexplain', 'server' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
  -- language: 'auto' (the editor's locale, then LANG), 'zh' or 'en'.
  -- inlayHints = { enable = true } turns on the MRO / generator hints
  -- (then `vim.lsp.inlay_hint.enable(true)` shows them).
  init_options = { language = 'auto' },
  settings = { pyexplain = {} },
  handlers = {
    -- "Open the chapter": show the note in a split, heading selected.
    ['window/showDocument'] = function(...)
      return require('pyexplain').show_document(...)
    end,
  },
}
