-- Real-editor tests: Neovim's own LSP client against the built server.
-- Run: PYEXPLAIN_PATH=target/debug/pyexplain nvim --headless --clean -l tests/nvim/test.lua
-- Every wait is bounded; the last line is "N passed, M failed".
local repo = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
vim.opt.rtp:prepend(repo .. '/editors/nvim')
vim.cmd('runtime plugin/pyexplain.lua')
vim.cmd('filetype plugin on')

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    print('ok   ' .. name)
  else
    failed = failed + 1
    print('FAIL ' .. name .. (detail and (': ' .. tostring(detail)) or ''))
  end
end
local function finish()
  print(string.format('%d passed, %d failed', passed, failed))
  vim.cmd((failed == 0 and passed > 0) and 'qall!' or 'cquit! 1')
end

-- Every vim.notify, to check what the plugin says.
local notes = {}
local real_notify = vim.notify
vim.notify = function(msg, level, opts)
  notes[#notes + 1] = { msg = tostring(msg), level = level }
  return real_notify(msg, level, opts)
end
local function notified(pattern)
  for _, n in ipairs(notes) do
    if n.msg:find(pattern, 1, true) then
      return n
    end
  end
end

-- Copy the fixture so the quick fix can edit it; the pyproject.toml makes
-- the directory the server's root (one server per project root).
local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')
local file = tmp .. '/demo.py'
vim.fn.writefile(vim.fn.readfile(repo .. '/tests/nvim/demo.py'), file)
vim.fn.writefile({}, tmp .. '/pyproject.toml')

-- `tests/neovim.rs` runs Neovim with LANG=zh_CN.UTF-8: the English hovers
-- below show that init_options survive the didChangeConfiguration Neovim
-- sends right after initialize (the server replaces its settings wholesale).
if vim.env.PYEXPLAIN_NVIM_MODE == 'setup' then
  require('pyexplain').setup({ language = 'en' })
else
  vim.lsp.config('pyexplain', { init_options = { language = 'en' } })
  vim.lsp.enable('pyexplain')
end
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()

local attached = vim.wait(10000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = 'pyexplain' }) > 0
end, 20)
check('server attaches to a Python buffer', attached)
if not attached then
  return finish()
end
local client = vim.lsp.get_clients({ bufnr = buf, name = 'pyexplain' })[1]

-- Diagnostics with their codes.
vim.wait(10000, function()
  return #vim.diagnostic.get(buf) > 0
end, 20)
local codes = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  codes[#codes + 1] = d.code
end
check('diagnostics arrive with their codes', vim.tbl_contains(codes, 'mutable-default-argument'), vim.inspect(codes))

-- The rendered hover on `yield from` carries §12.6.
local function find_line(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = l:find(pattern, 1, true)
    if col then
      return i, col
    end
  end
end
local function hover_text(line, col)
  vim.api.nvim_set_current_buf(buf)
  vim.api.nvim_win_set_cursor(0, { line, col - 1 })
  vim.lsp.buf.hover()
  local text
  vim.wait(5000, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), '\n')
        vim.api.nvim_win_close(win, true)
        return true
      end
    end
    return false
  end, 20)
  return text
end
local yl, yc = find_line('yield from')
-- The notes' triggers compile in the background after start-up (about half
-- a second); until then a hover answers without them, so wait for them.
vim.api.nvim_win_set_cursor(0, { yl, yc - 1 })
local notes_ready = vim.wait(20000, function()
  local r = client:request_sync('textDocument/hover', vim.lsp.util.make_position_params(0, 'utf-16'), 2000, buf)
  return r ~= nil and r.result ~= nil
end, 100)
check('the notes are ready after start-up', notes_ready)
local text = hover_text(yl, yc)
check('hover on yield from shows §12.6', text and text:find('§12.6', 1, true), text)
check('hover is English and names the delegating generator', text and text:find('`delegate` is a delegating generator', 1, true), text)

-- Settings commands change one key live and keep the others.
vim.cmd('PyexplainLanguage zh')
text = hover_text(yl, yc)
check('hover switches to Chinese live', text and text:find('委托生成器', 1, true), text)
vim.cmd('PyexplainVerbosity brief')
text = hover_text(yl, yc)
local function brief(t)
  -- The title, the sentence about `delegate` and where to read the rest;
  -- not the note's related sections.
  return t and t:find('§12.6', 1, true) and t:find('pyexplain note 12.6', 1, true)
    and t:find('`delegate`', 1, true) and not t:find('Related', 1, true) and not t:find('相关', 1, true)
end
check(':PyexplainVerbosity brief keeps Chinese', brief(text) and text:find('生成器', 1, true), text)
vim.cmd('PyexplainLanguage en')
text = hover_text(yl, yc)
check(':PyexplainLanguage en keeps brief', brief(text) and text:find('Generator', 1, true), text)
check(
  'the client keeps every key',
  vim.deep_equal(client.settings.pyexplain, { language = 'en', hover = { verbosity = 'brief' } }),
  vim.inspect(client.settings)
)
vim.cmd('PyexplainVerbosity full')
text = hover_text(yl, yc)
check('back to the full English hover', text and text:find('delegating generator', 1, true), text)

-- :PyexplainHoverLevel: `value is None` is everyday code, hidden at the
-- default level and shown at `everyday`; `yield from` shows at `core`.
local function hover_result(line, col)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line - 1, character = col - 1 },
  }
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000) or {}) do
    if r.result and r.result.contents then
      return r.result.contents.value or ''
    end
  end
  return ''
end
local il, ic = find_line('is None')
check('`is None` has no hover at the default level', not hover_result(il, ic):find('§7.2', 1, true))
vim.cmd('PyexplainHoverLevel everyday')
check(':PyexplainHoverLevel everyday shows `is None`', hover_result(il, ic):find('§7.2', 1, true), hover_result(il, ic))
vim.cmd('PyexplainHoverLevel core')
check(':PyexplainHoverLevel core hides `is None`', not hover_result(il, ic):find('§7.2', 1, true))
check(':PyexplainHoverLevel core keeps yield from', hover_result(yl, yc):find('§12.6', 1, true))
check(
  ':PyexplainHoverLevel changes one key',
  vim.deep_equal(client.settings.pyexplain, { language = 'en', hover = { verbosity = 'full', level = 'core' } }),
  vim.inspect(client.settings)
)
vim.cmd('PyexplainHoverLevel usage')

-- The quick fix for `bucket=[]`, applied through Neovim's code action flow.
local dl = find_line('bucket=[]')
vim.api.nvim_win_set_cursor(0, { dl, 0 })
vim.lsp.buf.code_action({
  apply = true,
  filter = function(a)
    return a.kind == 'quickfix' and a.title:find('None', 1, true) ~= nil
  end,
})
local fixed = vim.wait(5000, function()
  local all = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  return all:find('bucket=None', 1, true) and all:find('if bucket is None:', 1, true)
end, 20)
check('quick fix rewrites the buffer', fixed, table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
vim.wait(5000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'mutable-default-argument' then
      return false
    end
  end
  return true
end, 20)
local still = false
for _, d in ipairs(vim.diagnostic.get(buf)) do
  still = still or d.code == 'mutable-default-argument'
end
check('the fixed finding disappears', not still)

-- The chapter action opens the note in a split, heading under the cursor.
yl, yc = find_line('yield from')
vim.api.nvim_win_set_cursor(0, { yl, yc - 1 })
local wins_before = #vim.api.nvim_tabpage_list_wins(0)
vim.lsp.buf.code_action({
  apply = true,
  filter = function(a)
    return a.title:find('📖 §12.6', 1, true) == 1
  end,
})
local opened = vim.wait(5000, function()
  return vim.api.nvim_buf_get_name(0):match('ch12%.md$') ~= nil
end, 20)
check('chapter action opens the note file', opened, vim.api.nvim_buf_get_name(0))
check('in a split', #vim.api.nvim_tabpage_list_wins(0) == wins_before + 1)
local heading = vim.api.nvim_get_current_line()
check('with the heading under the cursor', heading:find('^## 12%.6 ') ~= nil, heading)

-- :PyexplainNote opens a note by section.
vim.cmd('PyexplainNote 7.4 zh')
opened = vim.wait(5000, function()
  return vim.api.nvim_buf_get_name(0):match('zh/ch07%.md$') ~= nil
end, 20)
check(':PyexplainNote 7.4 zh opens the Chinese chapter', opened, vim.api.nvim_buf_get_name(0))
check('at §7.4', vim.api.nvim_get_current_line():find('^## 7%.4 ') ~= nil, vim.api.nvim_get_current_line())

-- "Mark §12.6 as learned": the hover becomes brief (saved under
-- XDG_DATA_HOME); :PyexplainResetLearned shows the full note again.
local learned = vim.env.XDG_DATA_HOME .. '/pyexplain/learned.json'
vim.api.nvim_set_current_buf(buf)
yl, yc = find_line('yield from')
vim.api.nvim_win_set_cursor(0, { yl, yc - 1 })
vim.lsp.buf.code_action({
  apply = true,
  filter = function(a)
    return a.title == 'Mark §12.6 as learned'
  end,
})
local saved = vim.wait(5000, function()
  return vim.fn.filereadable(learned) == 1 and table.concat(vim.fn.readfile(learned), '\n'):find('yield-from', 1, true) ~= nil
end, 20)
check('the learned action saves the section', saved, learned)
text = hover_text(yl, yc)
check(
  'a learned section has a brief hover',
  text and text:find('§12.6', 1, true) and text:find('pyexplain note 12.6', 1, true) and text:find('delegating', 1, true) and not text:find('Related:', 1, true),
  text
)
vim.cmd('PyexplainResetLearned')
local reset = vim.wait(5000, function()
  return table.concat(vim.fn.readfile(learned), '\n'):find('yield-from', 1, true) == nil
end, 20)
check(':PyexplainResetLearned forgets the marks', reset)
text = hover_text(yl, yc)
check('the full hover is back', text and text:find('Related:', 1, true), text)

-- Inlay hints: none until the setting is on; then Neovim is asked to refresh.
local function hint_labels()
  local labels = {}
  for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
    local label = h.inlay_hint.label
    labels[#labels + 1] = type(label) == 'string' and label or vim.inspect(label)
  end
  return labels
end
vim.lsp.inlay_hint.enable(true, { bufnr = buf })
vim.wait(300, function()
  return #hint_labels() > 0
end, 20)
check('no inlay hints by default', #hint_labels() == 0, vim.inspect(hint_labels()))
-- Neovim's own switch off, as a user starts: the command turns it on too.
vim.lsp.inlay_hint.enable(false, { bufnr = buf })
pcall(vim.cmd, 'PyexplainInlayHints yes') -- an error message, as a command's should be
local refused = notified('takes on or off, not "yes"')
local hint_setting = (vim.lsp.get_clients({ name = 'pyexplain', bufnr = buf })[1].settings.pyexplain.inlayHints or {}).enable
check(
  ':PyexplainInlayHints with a wrong word is refused, the setting unchanged',
  refused and refused.level == vim.log.levels.ERROR and not hint_setting,
  vim.inspect({ refused, hint_setting })
)
vim.cmd('PyexplainInlayHints on')
check(':PyexplainInlayHints on shows hints in the buffer', vim.lsp.inlay_hint.is_enabled({ bufnr = buf }))
local hinted = vim.wait(5000, function()
  return vim.tbl_contains(hint_labels(), 'generator')
end, 20)
check('inlay hints appear when enabled', hinted, vim.inspect(hint_labels()))
-- :PyexplainCourseMap maps the given directory and opens the map in a split.
vim.cmd('PyexplainCourseMap ' .. vim.fn.fnameescape(tmp))
opened = vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0):match('course%-map%-%x+%.md$') ~= nil
end, 20)
check(':PyexplainCourseMap opens the course map', opened, vim.api.nvim_buf_get_name(0))
local map = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
check('the map counts demo.py', map:find('in 1 file', 1, true) and map:find('[demo.py:', 1, true), map)

-- Two projects, two servers: a command goes to the current buffer's server.
local function project(name, files)
  local dir = vim.fn.tempname() .. '-' .. name
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile({}, dir .. '/pyproject.toml')
  for fname, lines in pairs(files) do
    vim.fn.writefile(lines, dir .. '/' .. fname)
  end
  return dir
end
local function open_in(dir, fname)
  vim.cmd('only')
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/' .. fname))
  return vim.api.nvim_get_current_buf()
end
local other = project('other', {
  ['a.py'] = { 'async def main():', '    await main()' },
  ['b.py'] = { 'def gen():', '    yield 1' },
})
local other_buf = open_in(other, 'a.py')
local other_client
vim.wait(10000, function()
  other_client = vim.lsp.get_clients({ bufnr = other_buf, name = 'pyexplain' })[1]
  return other_client ~= nil and other_client.initialized
end, 20)
check('a second project gets its own server', other_client and other_client.id ~= client.id)
local function map_from(bufnr)
  -- A fresh read of the map file (a previous one may be loaded).
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b):match('course%-map%-%x+%.md$') then
      vim.api.nvim_buf_delete(b, { force = true })
    end
  end
  vim.cmd('only')
  vim.api.nvim_set_current_buf(bufnr)
  vim.cmd('PyexplainCourseMap')
  vim.wait(10000, function()
    return vim.api.nvim_buf_get_name(0):match('course%-map%-%x+%.md$') ~= nil
  end, 20)
  return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
end
map = map_from(other_buf)
check(':PyexplainCourseMap in the second project maps its 2 files', map:find('in 2 files', 1, true), map)
map = map_from(buf)
check('in the first project, its 1 file', map:find('in 1 file', 1, true) and map:find('[demo.py:', 1, true), map)
-- The map buffer has no server, and two run: the command says so.
vim.cmd('PyexplainNote 7.4')
local warned = notified('2 servers run')
check('no server for the buffer and two running: a warning', warned and warned.level == vim.log.levels.WARN, vim.inspect(notes))

-- :checkhealth pyexplain: the version, the command, the running servers.
local function health()
  vim.cmd('checkhealth pyexplain')
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('bwipeout!')
  return report
end
local report = health()
check(':checkhealth pyexplain runs our check', report:find('pyexplain', 1, true) and report:find('Neovim 0.11', 1, true), report)
check('it shows the server version', report:find('version: pyexplain %d+%.%d+') ~= nil, report)
check('and the command', report:find('server command: ' .. vim.env.PYEXPLAIN_PATH, 1, true), report)
check(
  'and each running server with its settings',
  report:find('server ' .. client.id .. ' running', 1, true)
    and report:find('server ' .. other_client.id .. ' running', 1, true)
    and report:find('language = "en"', 1, true),
  report
)
check('and no error', not report:find('ERROR', 1, true), report)

-- A server command that does not exist: said with its path, and by health.
local missing = tmp .. '/nowhere/pyexplain'
vim.lsp.config('pyexplain', { cmd = { missing, 'server' } })
local missing_buf = open_in(project('missing', { ['c.py'] = { 'x = 1' } }), 'c.py')
local said = vim.wait(5000, function()
  return notified(missing) ~= nil
end, 20)
local n = notified(missing) or {}
check('a missing server is said with the path tried', said and n.level == vim.log.levels.ERROR, vim.inspect(notes))
check('as not an executable file', (n.msg or ''):find('not an executable file', 1, true), n.msg)
check('and no server starts for it', #vim.lsp.get_clients({ bufnr = missing_buf, name = 'pyexplain' }) == 0)
report = health()
check(':checkhealth pyexplain reports it as an error', report:find('ERROR', 1, true) and report:find(missing, 1, true), report)

-- A server that exits at once: said with its path and exit code.
local failing = tmp .. '/failing-server'
vim.fn.writefile({ '#!/bin/sh', 'echo "cannot start" >&2', 'exit 3' }, failing)
vim.fn.setfperm(failing, 'rwxr-xr-x')
vim.lsp.config('pyexplain', { cmd = { failing, 'server' } })
open_in(project('failing', { ['d.py'] = { 'x = 1' } }), 'd.py')
said = vim.wait(5000, function()
  return notified(failing .. ' exited with code 3') ~= nil
end, 20)
check('a failing server is said with its path and exit code', said, vim.inspect(notes))

-- Clean shutdown.
other_client:stop()
client:stop()
local stopped = vim.wait(5000, function()
  return client:is_stopped() and other_client:is_stopped()
end, 20)
check('servers stop cleanly', stopped)
finish()
