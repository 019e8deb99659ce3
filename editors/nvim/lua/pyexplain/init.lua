-- pyexplain for Neovim: course notes on hover, pitfall diagnostics, fixes.
--
-- Neovim >= 0.11:  vim.lsp.enable('pyexplain')   (uses lsp/pyexplain.lua)
-- Neovim 0.10:     require('pyexplain').setup({ language = 'zh' })
-- Commands:        :PyexplainNote 12.6   :PyexplainLanguage zh|en|auto
--                  :PyexplainCourseMap [path ...]
--                  :PyexplainResetLearned  (full hovers again for every section)
-- Inlay hints (MRO, generator/coroutine) are off unless `inlayHints = { enable = true }`
-- and `vim.lsp.inlay_hint.enable(true)`.
local M = {}

M.config = {
  cmd = nil, -- default: { $PYEXPLAIN_PATH or 'pyexplain', 'server' }
  language = 'auto',
  select = nil,
  ignore = nil,
  hover = { enable = true, verbosity = 'full' },
  inlayHints = { enable = false },
}

local function server_cmd()
  return M.config.cmd or { vim.env.PYEXPLAIN_PATH or 'pyexplain', 'server' }
end

local function settings()
  return {
    pyexplain = {
      language = M.config.language,
      select = M.config.select,
      ignore = M.config.ignore,
      hover = M.config.hover,
      inlayHints = M.config.inlayHints,
    },
  }
end

local function init_options()
  return settings().pyexplain
end

--- The running pyexplain clients.
function M.clients()
  return vim.lsp.get_clients({ name = 'pyexplain' })
end

--- `window/showDocument`: open the note file in a split, select the heading.
function M.show_document(err, params, ctx)
  if err or not params or not params.uri then
    return { success = false }
  end
  local fname = vim.uri_to_fname(params.uri)
  vim.cmd('split ' .. vim.fn.fnameescape(fname))
  if params.selection and params.selection.start then
    local line = params.selection.start.line + 1
    pcall(vim.api.nvim_win_set_cursor, 0, { line, 0 })
  end
  return { success = true }
end

--- Change the language of hovers and messages, live.
function M.set_language(lang)
  M.config.language = lang
  for _, client in ipairs(M.clients()) do
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, settings())
    client:notify('workspace/didChangeConfiguration', { settings = settings() })
  end
end

--- Open a note by section (`12.6`) or id (`yield-from`).
function M.open_note(key, lang)
  local client = M.clients()[1]
  if not client then
    vim.notify('pyexplain: no running server (open a Python file first)', vim.log.levels.WARN)
    return
  end
  local arg = { note = key }
  if lang and lang ~= '' then
    arg.lang = lang
  end
  client:request('workspace/executeCommand', { command = 'pyexplain.openNote', arguments = { arg } }, function(err)
    if err then
      vim.notify('pyexplain: ' .. (err.message or tostring(err)), vim.log.levels.ERROR)
    end
  end)
end

--- Show markdown in a new scratch buffer, in a split.
local function show_markdown(markdown)
  vim.cmd('split')
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_win_set_buf(0, buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(markdown, '\n', { plain = true }))
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].modifiable = false
end

--- Which sections of the course the workspace (or `paths`) exercises: the
--- server writes a markdown map and shows it with window/showDocument (a
--- split); if it could not, the returned markdown opens in a scratch buffer.
function M.course_map(paths)
  local client = M.clients()[1]
  if not client then
    vim.notify('pyexplain: no running server (open a Python file first)', vim.log.levels.WARN)
    return
  end
  local args = {}
  if paths and #paths > 0 then
    local abs = {}
    for _, p in ipairs(paths) do
      abs[#abs + 1] = vim.fn.fnamemodify(vim.fn.expand(p), ':p')
    end
    args = { { paths = abs } }
  end
  client:request('workspace/executeCommand', { command = 'pyexplain.courseMap', arguments = args }, function(err, result)
    if err then
      vim.notify('pyexplain: ' .. (err.message or tostring(err)), vim.log.levels.ERROR)
    elseif result and result.shown == false and type(result.markdown) == 'string' then
      show_markdown(result.markdown)
    end
  end)
end

--- Show full notes again for every section marked as learned (the
--- "Mark §N.M as learned" code action marks one; its counterpart unmarks one).
function M.reset_learned()
  local client = M.clients()[1]
  if not client then
    vim.notify('pyexplain: no running server (open a Python file first)', vim.log.levels.WARN)
    return
  end
  client:request('workspace/executeCommand', { command = 'pyexplain.unmarkLearned' }, function(err)
    if err then
      vim.notify('pyexplain: ' .. (err.message or tostring(err)), vim.log.levels.ERROR)
    end
  end)
end

local function define_commands()
  vim.api.nvim_create_user_command('PyexplainNote', function(opts)
    M.open_note(opts.fargs[1], opts.fargs[2])
  end, { nargs = '+', desc = 'Open a pyexplain course note: :PyexplainNote 12.6 [zh|en]' })
  vim.api.nvim_create_user_command('PyexplainCourseMap', function(opts)
    M.course_map(opts.fargs)
  end, {
    nargs = '*',
    complete = 'file',
    desc = 'Which course sections the workspace (or the given paths) exercises',
  })
  vim.api.nvim_create_user_command('PyexplainLanguage', function(opts)
    M.set_language(opts.fargs[1])
  end, {
    nargs = 1,
    complete = function()
      return { 'auto', 'zh', 'en' }
    end,
    desc = 'Switch pyexplain hovers and messages: zh, en or auto',
  })
  vim.api.nvim_create_user_command('PyexplainResetLearned', function()
    M.reset_learned()
  end, { nargs = 0, desc = 'pyexplain: show full notes again for every section marked as learned' })
end

--- Neovim 0.10 (or explicit) setup: start the server for Python buffers.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  define_commands()
  if vim.lsp.config and vim.lsp.enable and not M.config.use_start then
    vim.lsp.config('pyexplain', {
      cmd = server_cmd(),
      init_options = init_options(),
      settings = settings(),
    })
    vim.lsp.enable('pyexplain')
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'python',
    group = vim.api.nvim_create_augroup('pyexplain', { clear = true }),
    callback = function(args)
      local root = vim.fs.root(args.buf, { 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' })
      vim.lsp.start({
        name = 'pyexplain',
        cmd = server_cmd(),
        root_dir = root or vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)),
        init_options = init_options(),
        settings = settings(),
        handlers = { ['window/showDocument'] = M.show_document },
      }, { bufnr = args.buf })
    end,
  })
end

M._define_commands = define_commands
return M
