-- :checkhealth pyexplain — the Neovim version, the server command and its
-- version, whether the config is enabled, and the running servers.
local M = {}

local health = vim.health

local function check_neovim()
  local v = vim.version()
  local version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if require('pyexplain').supported() then
    health.ok('Neovim ' .. version)
  else
    health.error('Neovim ' .. version .. ': pyexplain needs Neovim 0.11 or later', {
      'Upgrade Neovim; the plugin uses vim.lsp.config and vim.lsp.enable.',
    })
  end
end

--- The resolved `vim.lsp.config.pyexplain`, or nil.
local function config()
  local ok, c = pcall(function()
    return vim.lsp.config['pyexplain']
  end)
  return ok and c or nil
end

local function check_enabled()
  if vim.lsp.is_enabled and vim.lsp.is_enabled('pyexplain') then
    health.ok("enabled (vim.lsp.enable('pyexplain'))")
  else
    health.warn('not enabled: the server does not start for Python buffers', {
      "vim.lsp.enable('pyexplain'), or require('pyexplain').setup()",
    })
  end
end

local function check_server(c)
  local cmd = c and c.cmd
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    health.info('cmd is not a list (a function?): not checked')
    return
  end
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    health.error(string.format('server command %s: not an executable file, and not on PATH', cmd[1]), {
      'Install pyexplain (it must be on PATH), or set $PYEXPLAIN_PATH to the binary,',
      "or vim.lsp.config('pyexplain', { cmd = { '/path/to/pyexplain', 'server' } }).",
    })
    return
  end
  health.ok('server command: ' .. exe .. ((vim.env.PYEXPLAIN_PATH == cmd[1]) and ' (from $PYEXPLAIN_PATH)' or ''))
  local ok, result = pcall(function()
    return vim.system({ exe, '--version' }, { text = true }):wait(10000)
  end)
  if not ok then
    health.error('running ' .. exe .. ' --version failed: ' .. tostring(result))
  elseif result.code ~= 0 then
    local why = vim.trim((result.stderr or '') .. (result.stdout or ''))
    health.error(string.format('%s --version exited with code %s: %s', exe, tostring(result.code), why))
  else
    health.ok('version: ' .. vim.trim(result.stdout or ''))
  end
end

local function describe_settings(s)
  local parts = {}
  for _, key in ipairs({ 'language', 'select', 'ignore', 'hover', 'inlayHints' }) do
    if s[key] ~= nil then
      parts[#parts + 1] = key .. ' = ' .. vim.inspect(s[key], { newline = ' ', indent = '' })
    end
  end
  return #parts > 0 and table.concat(parts, ', ') or 'the defaults'
end

local function check_clients()
  local clients = vim.lsp.get_clients({ name = 'pyexplain' })
  if #clients == 0 then
    health.info('no server running (open a Python file)')
    return
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    local settings = (client.settings or {}).pyexplain or {}
    health.ok(
      string.format(
        'server %d running: %s %s; root %s; %d buffer(s); settings: %s',
        client.id,
        info.name or 'pyexplain',
        info.version or '?',
        client.root_dir or '(none)',
        vim.tbl_count(client.attached_buffers or {}),
        describe_settings(settings)
      )
    )
  end
end

function M.check()
  health.start('pyexplain')
  check_neovim()
  if not require('pyexplain').supported() then
    return
  end
  check_enabled()
  check_server(config())
  check_clients()
end

return M
