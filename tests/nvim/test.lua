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

-- Copy the fixture so the quick fix can edit it.
local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp, 'p')
local file = tmp .. '/demo.py'
vim.fn.writefile(vim.fn.readfile(repo .. '/tests/nvim/demo.py'), file)

if vim.env.PYEXPLAIN_NVIM_MODE == 'setup' then
  -- The Neovim 0.10 entry point: vim.lsp.start from a FileType autocommand.
  require('pyexplain').setup({ language = 'en', use_start = true })
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
local text = hover_text(yl, yc)
check('hover on yield from shows §12.6', text and text:find('§12.6', 1, true), text)
check('hover names the delegating generator', text and text:find('delegate', 1, true), text)

-- Settings change the hover language live.
require('pyexplain').set_language('zh')
text = hover_text(yl, yc)
check('hover switches to Chinese live', text and text:find('委托生成器', 1, true), text)
require('pyexplain').set_language('en')

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
  text and text:find('§12.6', 1, true) and text:find('pyexplain note 12.6', 1, true) and not text:find('delegating', 1, true),
  text
)
vim.cmd('PyexplainResetLearned')
local reset = vim.wait(5000, function()
  return table.concat(vim.fn.readfile(learned), '\n'):find('yield-from', 1, true) == nil
end, 20)
check(':PyexplainResetLearned forgets the marks', reset)
text = hover_text(yl, yc)
check('the full hover is back', text and text:find('delegating generator', 1, true), text)

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
client:notify('workspace/didChangeConfiguration', { settings = { pyexplain = { inlayHints = { enable = true } } } })
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

-- Clean shutdown.
client:stop()
local stopped = vim.wait(5000, function()
  return client:is_stopped()
end, 20)
check('server stops cleanly', stopped)
finish()
