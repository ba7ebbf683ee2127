-- Raise a ticket's danger (never lower it) when the person writes something worse,
-- whether they wait or talk with staff, and alert the consoles.
-- arg: 1 session, 2 level (0-3), 3 categories (comma-separated)
-- Returns {changed (0/1), level, categories}
local s = arg(1)
local t = ticket_key(s)
local state = redis.call('HGET', t, 'state')
if not state then return {0, '', ''} end
local old_level = tonumber(redis.call('HGET', t, 'level'))
local level = math.max(old_level, tonumber(arg(2)))
local seen, merged, added = {}, {}, false
for c in string.gmatch(redis.call('HGET', t, 'categories') or '', '[^,]+') do
  seen[c] = true
  table.insert(merged, c)
end
for c in string.gmatch(arg(3), '[^,]+') do
  if not seen[c] then
    seen[c] = true
    added = true
    table.insert(merged, c)
  end
end
table.sort(merged)
local categories = table.concat(merged, ',')
if level == old_level and not added then return {0, num(level), categories} end
redis.call('HSET', t, 'level', num(level), 'categories', categories)
if state == 'waiting' and level ~= old_level then
  redis.call('ZADD', WAITING, 'XX', priority(level, redis.call('HGET', t, 'since')), s)
  emit('queue_changed', 'session', s, 'level', num(level))
end
touch(s)
local owner = redis.call('HGET', t, 'staff') or ''
emit('alert', 'session', s, 'level', num(level), 'categories', categories,
  'state', state, 'staff', owner)
return {1, num(level), categories}
