-- Shared by every handover script: handover/scripts.py puts this in front of each one.
--
-- KEYS: 1 waiting, 2 claimed, 3 on_duty, 4 events, 5 to_users, 6 recent_waits, 7 audit
-- ARGV: 1 now (ms), 2 key prefix with the hash tag, 3 session ttl (ms),
--       4 events retention (ms), 5 consumer group of to_users, 6 audit retention (ms);
--       the script's own arguments follow and are read with arg(1), arg(2), ...
-- Per-session keys are built from the prefix. They carry the same hash tag as KEYS,
-- so they sit in the same Redis Cluster slot.
local WAITING, CLAIMED, ON_DUTY = KEYS[1], KEYS[2], KEYS[3]
local EVENTS, TO_USERS, RECENT_WAITS, AUDIT = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local NOW = tonumber(ARGV[1])
local PREFIX = ARGV[2]
local TTL = tonumber(ARGV[3])
local EVENTS_KEEP = tonumber(ARGV[4])
local GROUP = ARGV[5]
local AUDIT_KEEP = tonumber(ARGV[6])

local function arg(i) return ARGV[6 + i] end

-- Integers as Redis wants them: tostring() would print large numbers in exponent form.
local function num(x) return string.format('%.0f', x) end

local function ticket_key(s) return PREFIX .. 'ticket:' .. s end
local function conv_key(s) return PREFIX .. 'conv:' .. s end
local function outbox_key(s) return PREFIX .. 'outbox:' .. s end

-- Must match handover/ticket.py priority_score: lower sorts first. Acute tickets come
-- before high, high before concern, concern before none; within a level, older first.
local ACUTE = 3
local function priority(level, since)
  return num((ACUTE - tonumber(level)) * 1e13 + tonumber(since))
end

local function present_count()
  return redis.call('ZCOUNT', ON_DUTY, '(' .. num(NOW), '+inf')
end

local function is_present(staff)
  local deadline = redis.call('ZSCORE', ON_DUTY, staff)
  return deadline and tonumber(deadline) > NOW
end

-- An event for the consoles. Old events are trimmed by age: readers replay from their
-- last id within the retention, and resync from the queue itself after that.
local function emit(kind, ...)
  redis.call('XADD', EVENTS, 'MINID', '~', num(NOW - EVENTS_KEEP), '*', 'type', kind, ...)
  redis.call('PEXPIRE', EVENTS, EVENTS_KEEP)
end

-- A staff action for the audit log, in the same atomic step as the action itself:
-- who did what to which pseudonym, when. Never content. Trimmed by age.
local function audit(staff, action, s, to_staff)
  redis.call('XADD', AUDIT, 'MINID', '~', num(NOW - AUDIT_KEEP), '*', 'at', num(NOW),
    'staff', staff, 'action', action, 'session', s, 'to', to_staff or '')
  redis.call('PEXPIRE', AUDIT, AUDIT_KEEP)
end

local function touch(s)
  redis.call('PEXPIRE', ticket_key(s), TTL)
  redis.call('PEXPIRE', conv_key(s), TTL)
  redis.call('PEXPIRE', outbox_key(s), TTL)
end

local function touch_shared()
  redis.call('PEXPIRE', WAITING, TTL)
  redis.call('PEXPIRE', CLAIMED, TTL)
end

-- A notice for the person (joined, position, closed, ...), delivered by the bot through
-- the same stream as staff messages, so it arrives in order with them. Its message id is
-- its stream id. Call it while the ticket still exists: it takes the language from there.
local function notify(s, kind, ...)
  local lang = redis.call('HGET', ticket_key(s), 'lang') or ''
  local id = redis.call('XADD', TO_USERS, '*', 'session', s, 'kind', kind, 'lang', lang, ...)
  redis.call('HSET', outbox_key(s), id, 'q|' .. id)
  redis.call('PEXPIRE', outbox_key(s), TTL)
  redis.call('PEXPIRE', TO_USERS, TTL)
  return id
end

-- Back to the waiting queue with the ticket's own priority: its danger level and the time
-- it first started waiting, so a console that died costs the person no place in line.
local function to_waiting(s)
  local t = ticket_key(s)
  local level = redis.call('HGET', t, 'level')
  local since = redis.call('HGET', t, 'since')
  redis.call('ZREM', CLAIMED, s)
  redis.call('ZADD', WAITING, priority(level, since), s)
  redis.call('HSET', t, 'state', 'waiting', 'told', '0')
  redis.call('HDEL', t, 'staff', 'claimed_at')
  touch(s)
  touch_shared()
end

-- Remove every key of the session. With drop_undelivered (the person left), messages to
-- them that no bot worker has sent yet are deleted too; otherwise they still go out.
local function wipe(s, drop_undelivered)
  redis.call('ZREM', WAITING, s)
  redis.call('ZREM', CLAIMED, s)
  if drop_undelivered then
    local states = redis.call('HVALS', outbox_key(s))
    for _, state in ipairs(states) do
      if state ~= 'sent' then
        local entry = string.match(state, '([^|]+)$')
        -- pcall: the group may be gone with an expired stream; the wipe must go on.
        redis.pcall('XACK', TO_USERS, GROUP, entry)
        redis.call('XDEL', TO_USERS, entry)
      end
    end
  end
  redis.call('DEL', ticket_key(s), conv_key(s), outbox_key(s))
end

-- With nobody on duty no ticket may wait: each waiting person is told at once (no_staff)
-- so the bot can give them the 24/7 lines. Returns the sessions that were ended.
local function flush_if_nobody_on_duty()
  local ended = {}
  if present_count() > 0 then return ended end
  local sessions = redis.call('ZRANGE', WAITING, 0, -1)
  for _, s in ipairs(sessions) do
    if redis.call('EXISTS', ticket_key(s)) == 1 then
      notify(s, 'no_staff')
      emit('no_staff', 'session', s)
      table.insert(ended, s)
    end
    wipe(s, false)
  end
  if #sessions > 0 then emit('queue_changed') end
  return ended
end
