-- Put a ticket in the waiting queue, unless nobody is on duty or it is already there.
-- arg: 1 session, 2 language, 3 level (0-3), 4 categories (comma-separated),
--      5 young (0/1), 6 children affected (0/1), 7 intake card (JSON of enumerated fields)
-- Returns {'queued', position} | {'already', state, position or 0} | {'no_staff'}
local s = arg(1)
local t = ticket_key(s)
local state = redis.call('HGET', t, 'state')
if state then
  local rank = redis.call('ZRANK', WAITING, s)
  return {'already', state, rank and rank + 1 or 0}
end
-- Checked in the same atomic step as the insert: the last staff going off duty either
-- happens before (refused here) or after (this ticket is flushed with a no_staff notice).
if present_count() == 0 then return {'no_staff'} end
local level = arg(3)
redis.call('HSET', t, 'session', s, 'lang', arg(2), 'level', level, 'categories', arg(4),
  'young', arg(5), 'children', arg(6), 'card', arg(7), 'since', num(NOW), 'state', 'waiting')
redis.call('ZADD', WAITING, priority(level, NOW), s)
local position = redis.call('ZRANK', WAITING, s) + 1
-- told: the position the person knows (the bot tells it from this reply);
-- enqueued_at: the position at arrival, which scales the wait it will observe.
redis.call('HSET', t, 'told', position, 'enqueued_at', position)
touch(s)
touch_shared()
emit('queue_changed', 'session', s, 'level', level)
if tonumber(level) == ACUTE then
  emit('alert', 'session', s, 'level', level, 'categories', arg(4), 'state', 'waiting')
end
return {'queued', position}
