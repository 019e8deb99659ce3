-- Commands are available as soon as the plugin is on the runtimepath.
if vim.g.loaded_pyexplain then
  return
end
vim.g.loaded_pyexplain = true
require('pyexplain')._define_commands()
