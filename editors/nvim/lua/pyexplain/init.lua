-- pyexplain for Neovim (>= 0.11): course notes on hover, pitfall diagnostics,
-- fixes.
--
-- Start:     vim.lsp.enable('pyexplain')   (uses lsp/pyexplain.lua; settings
--            with vim.lsp.config('pyexplain', {...}))
--            or require('pyexplain').setup({ language = 'zh' })
-- Commands:  :PyexplainNote 12.6 [zh|en]   :PyexplainCourseMap [path ...]
--            :PyexplainLanguage zh|en|auto :PyexplainVerbosity full|brief
--            :PyexplainHoverLevel core|usage|everyday
--            :PyexplainInlayHints on|off   :PyexplainResetLearned
-- Health:    :checkhealth pyexplain
-- Commands talk to the current buffer's server (one per project root).
-- Settings commands change one key of each running server's settings and
-- keep the others.
local M = {}

--- Whether this Neovim is supported (the plugin uses 0.11's vim.lsp.config,
--- vim.lsp.enable and the `client:request` method form).
function M.supported()
  return vim.fn.has('nvim-0.11') == 1
end

M.config = {
  cmd = nil, -- default: { $PYEXPLAIN_PATH or 'pyexplain', 'server' }
  language = nil, -- nil or 'auto': the editor's locale, then LANG
  select = nil,
  ignore = nil,
  hover = nil, -- { enable = true, verbosity = 'full', level = 'usage', ['repeat'] = 'brief' }
  inlayHints = nil, -- { enable = false }
}

--- The server command: `$PYEXPLAIN_PATH` when set, else `pyexplain` on PATH.
function M.default_cmd()
  local path = vim.env.PYEXPLAIN_PATH
  if path == nil or path == '' then
    path = 'pyexplain'
  end
  return { path, 'server' }
end

local function notify(msg, level)
  vim.notify('pyexplain: ' .. msg, level or vim.log.levels.INFO)
end

--- The server's settings object for a client config: `init_options` with
--- `settings.pyexplain` over it. `before_init` makes both carry it, so the
--- didChangeConfiguration Neovim sends after `initialize` (the server
--- replaces its settings wholesale) keeps what init_options said.
function M.effective_settings(config)
  local from_settings = (config.settings or {}).pyexplain or {}
  return vim.tbl_deep_extend('force', vim.deepcopy(config.init_options or {}), from_settings)
end

--- `before_init` of the client config (lsp/pyexplain.lua and setup()).
function M.before_init(params, config)
  local effective = M.effective_settings(config)
  params.initializationOptions = effective
  -- The same table as client.settings (Client.create keeps the reference).
  if config.settings then
    config.settings.pyexplain = effective
  end
end

--- Where the command was looked for, for messages.
local function describe_cmd(path)
  if path:find('/', 1, true) or path:find('\\', 1, true) then
    local from = (vim.env.PYEXPLAIN_PATH == path) and ' ($PYEXPLAIN_PATH)' or ''
    return string.format('%s%s is not an executable file', path, from)
  end
  return string.format('`%s` was not found on PATH', path)
end

local reported = {}

--- Says once per command when the configured server cannot be started
--- (Neovim itself only writes that to its LSP log).
function M.check_server_cmd(cmd)
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    return true
  end
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not reported[cmd[1]] then
    reported[cmd[1]] = true
    local msg = string.format(
      'the server did not start: %s. Install pyexplain, or set $PYEXPLAIN_PATH or cmd in '
        .. "vim.lsp.config('pyexplain', { cmd = { '/path/to/pyexplain', 'server' } }); see :checkhealth pyexplain",
      describe_cmd(cmd[1])
    )
    -- Not from inside the FileType autocommand: an error message there
    -- would abort the `:edit` that opened the buffer.
    vim.schedule(function()
      notify(msg, vim.log.levels.ERROR)
    end)
  end
  return false
end

--- FileType python: when pyexplain is enabled, check its command.
function M.on_python_buffer()
  if not (vim.lsp.is_enabled and vim.lsp.is_enabled('pyexplain')) then
    return
  end
  local ok, config = pcall(function()
    return vim.lsp.config['pyexplain']
  end)
  if ok and config then
    M.check_server_cmd(config.cmd)
  end
end

--- `on_exit` of the client config: a server that stops on its own (a crash,
--- a failed start) is said with the command that ran (Neovim's own warning
--- gives the exit code and the log file, not the path).
function M.on_exit(code, signal, client_id)
  if code == 0 and (signal == 0 or signal == 15) then
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local cmd = client and client.config and client.config.cmd
  local path = type(cmd) == 'table' and tostring(cmd[1]) or '(cmd is a function)'
  local how = signal ~= 0 and string.format('was killed by signal %d', signal)
    or string.format('exited with code %d', code)
  vim.schedule(function()
    notify(string.format('the server %s %s; see :checkhealth pyexplain', path, how), vim.log.levels.ERROR)
  end)
end

--- The current buffer's pyexplain client; else the only one running.
function M.client()
  local mine = vim.lsp.get_clients({ name = 'pyexplain', bufnr = 0 })
  if mine[1] then
    return mine[1]
  end
  local all = vim.lsp.get_clients({ name = 'pyexplain' })
  if #all == 1 then
    return all[1]
  end
  if #all == 0 then
    notify('no running server (open a Python file first)', vim.log.levels.WARN)
  else
    notify(
      string.format('%d servers run (one per project) and none for this buffer: run it from a Python buffer', #all),
      vim.log.levels.WARN
    )
  end
end

--- `window/showDocument`: open the note file in a split, select the heading.
function M.show_document(err, params, _)
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

--- Sets `path` (a list of keys) to `value` in a copy of `tbl`.
local function with_key(tbl, path, value)
  local copy = vim.deepcopy(tbl or {})
  local node = copy
  for i = 1, #path - 1 do
    if type(node[path[i]]) ~= 'table' then
      node[path[i]] = {}
    end
    node = node[path[i]]
  end
  node[path[#path]] = value
  return copy
end

--- Changes one setting (`{'hover', 'verbosity'}`, 'brief') of every running
--- server and of servers started later; the other settings stay as they are.
function M.set(path, value)
  if type(path) == 'string' then
    path = vim.split(path, '.', { plain = true })
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = 'pyexplain' })) do
    local current = (client.settings or {}).pyexplain or M.effective_settings(client.config)
    client.settings = client.settings or {}
    client.settings.pyexplain = with_key(current, path, value)
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
  -- Servers started from now on (another project root).
  vim.lsp.config('pyexplain', { settings = { pyexplain = with_key({}, path, value) } })
  M.config = with_key(M.config, path, value)
end

local function show_inlay_hints(bufnr)
  if not vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr }) then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end
end

--- `:PyexplainInlayHints on|off`: the server setting, live. Neovim shows
--- inlay hints only where its own switch is on, so `on` also turns that on
--- in the buffers pyexplain serves, now and when it attaches to more; `off`
--- leaves the switch alone (other servers may use it) and the server sends
--- no more hints.
function M.inlay_hints(state)
  if state ~= 'on' and state ~= 'off' then
    notify(string.format(':PyexplainInlayHints takes on or off, not %s', vim.inspect(state)), vim.log.levels.ERROR)
    return
  end
  M.set({ 'inlayHints', 'enable' }, state == 'on')
  local group = vim.api.nvim_create_augroup('pyexplain_inlay_hints', { clear = true })
  if state == 'off' then
    return
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = 'pyexplain' })) do
    for bufnr in pairs(client.attached_buffers or {}) do
      show_inlay_hints(bufnr)
    end
  end
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == 'pyexplain' then
        show_inlay_hints(ev.buf)
      end
    end,
  })
end

--- Change the language of hovers and messages, live.
function M.set_language(lang)
  M.set({ 'language' }, lang)
end

local function request(command, arguments, on_result)
  local client = M.client()
  if not client then
    return
  end
  client:request('workspace/executeCommand', { command = command, arguments = arguments }, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
    elseif on_result then
      on_result(result)
    end
  end, 0)
end

--- Open a note by section (`12.6`) or id (`yield-from`).
function M.open_note(key, lang)
  local arg = { note = key }
  if lang and lang ~= '' then
    arg.lang = lang
  end
  request('pyexplain.openNote', { arg })
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

--- Which sections of the course the buffer's project (or `paths`)
--- exercises: the server writes a markdown map and shows it with
--- window/showDocument (a split); if it could not, the returned markdown
--- opens in a scratch buffer.
function M.course_map(paths)
  local args = {}
  if paths and #paths > 0 then
    local abs = {}
    for _, p in ipairs(paths) do
      abs[#abs + 1] = vim.fn.fnamemodify(vim.fn.expand(p), ':p')
    end
    args = { { paths = abs } }
  end
  request('pyexplain.courseMap', args, function(result)
    if result and result.shown == false and type(result.markdown) == 'string' then
      show_markdown(result.markdown)
    end
  end)
end

--- Show full notes again for every section marked as learned (the
--- "Mark §N.M as learned" code action marks one; its counterpart unmarks one).
function M.reset_learned()
  request('pyexplain.unmarkLearned', nil)
end

local function choice(values)
  return function()
    return values
  end
end

local function define_commands()
  local command = vim.api.nvim_create_user_command
  command('PyexplainNote', function(opts)
    M.open_note(opts.fargs[1], opts.fargs[2])
  end, { nargs = '+', desc = 'Open a pyexplain course note: :PyexplainNote 12.6 [zh|en]' })
  command('PyexplainCourseMap', function(opts)
    M.course_map(opts.fargs)
  end, {
    nargs = '*',
    complete = 'file',
    desc = 'Which course sections the project (or the given paths) exercises',
  })
  command('PyexplainLanguage', function(opts)
    M.set_language(opts.fargs[1])
  end, { nargs = 1, complete = choice({ 'auto', 'zh', 'en' }), desc = 'pyexplain hovers and messages: zh, en or auto' })
  command('PyexplainVerbosity', function(opts)
    M.set({ 'hover', 'verbosity' }, opts.fargs[1])
  end, { nargs = 1, complete = choice({ 'full', 'brief' }), desc = 'pyexplain hovers: full or brief' })
  command('PyexplainHoverLevel', function(opts)
    M.set({ 'hover', 'level' }, opts.fargs[1])
  end, {
    nargs = 1,
    complete = choice({ 'core', 'usage', 'everyday' }),
    desc = 'pyexplain hovers on: core constructs, usage of the APIs taught (default), or everyday code too',
  })
  command('PyexplainInlayHints', function(opts)
    M.inlay_hints(opts.fargs[1])
  end, { nargs = 1, complete = choice({ 'on', 'off' }), desc = 'pyexplain inlay hints (MRO, generator): on or off' })
  command('PyexplainResetLearned', function()
    M.reset_learned()
  end, { nargs = 0, desc = 'pyexplain: show full notes again for every section marked as learned' })
end

--- Settings from setup() options: only the keys given (nil keys are left to
--- the server's defaults and [tool.pyexplain]).
local function settings_from(opts)
  local s = {}
  for _, key in ipairs({ 'language', 'select', 'ignore', 'hover', 'inlayHints' }) do
    if opts[key] ~= nil then
      s[key] = opts[key]
    end
  end
  return s
end

--- Optional setup: `vim.lsp.config` with these options, then `vim.lsp.enable`.
function M.setup(opts)
  if not M.supported() then
    notify('needs Neovim 0.11 or later (this is ' .. tostring(vim.version()) .. ')', vim.log.levels.ERROR)
    return
  end
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', M.config, opts)
  define_commands()
  local settings = settings_from(M.config)
  vim.lsp.config('pyexplain', {
    cmd = M.config.cmd or M.default_cmd(),
    init_options = settings,
    settings = { pyexplain = settings },
  })
  vim.lsp.enable('pyexplain')
end

M._define_commands = define_commands
return M
