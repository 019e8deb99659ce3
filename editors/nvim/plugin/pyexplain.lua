-- Commands are available as soon as the plugin is on the runtimepath.
if vim.g.loaded_pyexplain then
  return
end
vim.g.loaded_pyexplain = true
local pyexplain = require('pyexplain')
if not pyexplain.supported() then
  -- Said when it matters: by setup() and :checkhealth pyexplain.
  return
end
pyexplain._define_commands()
-- Neovim only logs a server command that cannot run; say it once.
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  group = vim.api.nvim_create_augroup('pyexplain_check', { clear = true }),
  callback = function()
    pyexplain.on_python_buffer()
  end,
})
