-- Give a ticket to a staff member, atomically: one ticket, one owner.
-- arg: 1 staff, 2 session ('' = the most urgent waiting one), 3 take over (0/1),
--      4 lease (ms), 5 how many recent waits to keep, 6 estimate window (ms),
--      7 today's statistics key, 8 its ttl (s), 9 wait histogram as
--      'bound|field|bound|field|...|field' (seconds, ascending; see handover/stats.py)
-- Returns {status, ticket fields...}
--   status: claimed | already_yours | taken_over | empty | taken | gone | not_on_duty
local staff, wanted, take_over = arg(1), arg(2), arg(3) == '1'
local lease, keep, window = tonumber(arg(4)), tonumber(arg(5)), tonumber(arg(6))
local stats_day, stats_ttl, histogram = arg(7), arg(8), arg(9)
if not is_present(staff) then return {'not_on_duty'} end

local function reply(status, s)
  local out = {status}
  for _, v in ipairs(redis.call('HGETALL', ticket_key(s))) do table.insert(out, v) end
  return out
end

-- The statistics of one observed wait: same fields as handover/stats.py wait_counts.
local function count_wait(wait_ms)
  local seconds = math.floor(wait_ms / 1000 + 0.5)
  local parts = {}
  for part in string.gmatch(histogram, '[^|]+') do table.insert(parts, part) end
  local bucket = parts[#parts]
  for i = 1, #parts - 1, 2 do
    if wait_ms < tonumber(parts[i]) * 1000 then
      bucket = parts[i + 1]
      break
    end
  end
  redis.call('HINCRBY', stats_day, 'wait_count', 1)
  redis.call('HINCRBY', stats_day, 'wait_seconds_sum', seconds)
  redis.call('HINCRBY', stats_day, bucket, 1)
  redis.call('EXPIRE', stats_day, stats_ttl)
end

local function own(s)
  redis.call('ZADD', CLAIMED, num(NOW + lease), s)
  redis.call('HSET', ticket_key(s), 'state', 'claimed', 'staff', staff, 'claimed_at', num(NOW))
  touch(s)
  touch_shared()
end

local function claim_waiting(s)
  local t = ticket_key(s)
  redis.call('ZREM', WAITING, s)
  own(s)
  -- Only the first claim is a wait the person went through; a ticket back from a dead
  -- console is not a new arrival.
  if redis.call('HSETNX', t, 'first_claimed', num(NOW)) == 1 then
    local wait_ms = NOW - tonumber(redis.call('HGET', t, 'since'))
    local entered = redis.call('HGET', t, 'enqueued_at') or '1'
    redis.call('LPUSH', RECENT_WAITS,
      num(NOW) .. '|' .. num(wait_ms) .. '|' .. entered .. '|' .. present_count())
    redis.call('LTRIM', RECENT_WAITS, 0, keep - 1)
    redis.call('PEXPIRE', RECENT_WAITS, window)
    count_wait(wait_ms)
  end
  audit(staff, 'claimed', s)
  notify(s, 'staff_joined')
  emit('claimed', 'session', s, 'staff', staff)
  emit('queue_changed', 'session', s)
  return reply('claimed', s)
end

if wanted == '' then
  -- Tickets whose keys expired leave a dangling member behind: skip and drop those.
  while true do
    local top = redis.call('ZRANGE', WAITING, 0, 0)[1]
    if not top then return {'empty'} end
    if redis.call('EXISTS', ticket_key(top)) == 1 then return claim_waiting(top) end
    redis.call('ZREM', WAITING, top)
  end
end

local state = redis.call('HGET', ticket_key(wanted), 'state')
if not state then
  redis.call('ZREM', WAITING, wanted)
  return {'gone'}
end
if state == 'waiting' then return claim_waiting(wanted) end
local owner = redis.call('HGET', ticket_key(wanted), 'staff')
if owner == staff then
  own(wanted)
  return reply('already_yours', wanted)
end
if not take_over then return {'taken'} end
own(wanted)
audit(owner, 'transferred', wanted, staff)
audit(staff, 'took_over', wanted)
notify(wanted, 'staff_changed')
emit('transferred', 'session', wanted, 'from', owner, 'to', staff, 'reason', 'take_over')
return reply('taken_over', wanted)
