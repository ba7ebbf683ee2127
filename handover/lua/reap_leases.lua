-- Return conversations whose lease ran out (their console died) to the waiting queue
-- with their original priority; their messages stay. If nobody is on duty any more,
-- the waiting people are told so instead.
-- Returns {session1, staff1, session2, staff2, ..., '|', ended sessions...}
local out = {}
local expired = redis.call('ZRANGEBYSCORE', CLAIMED, '-inf', num(NOW))
for _, s in ipairs(expired) do
  local staff = redis.call('HGET', ticket_key(s), 'staff')
  if staff then
    to_waiting(s)
    audit(staff, 'lease_expired', s)
    -- With nobody left, the no_staff notice below is all the person needs to read.
    if present_count() > 0 then notify(s, 'back_in_queue') end
    emit('released', 'session', s, 'staff', staff, 'reason', 'lease_expired')
    table.insert(out, s)
    table.insert(out, staff)
  else
    redis.call('ZREM', CLAIMED, s)
  end
end
if #out > 0 then emit('queue_changed') end
table.insert(out, '|')
for _, s in ipairs(flush_if_nobody_on_duty()) do table.insert(out, s) end
return out
