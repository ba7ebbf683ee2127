-- A staff member goes off duty (arg 1 = staff), or the housekeeping drops those whose
-- heartbeat stopped (arg 1 = ''). Conversations a leaving staff member still holds go
-- back to the queue with their original priority. If nobody is left on duty, every
-- waiting person gets a no_staff notice and their ticket ends: nobody waits for no one.
-- Returns {returned sessions..., '|', ended sessions..., '|', staff who went off duty...}
local staff = arg(1)
local leaving = {}
if staff ~= '' then
  if redis.call('ZREM', ON_DUTY, staff) == 1 then table.insert(leaving, staff) end
else
  leaving = redis.call('ZRANGEBYSCORE', ON_DUTY, '-inf', num(NOW))
  if #leaving > 0 then redis.call('ZREMRANGEBYSCORE', ON_DUTY, '-inf', num(NOW)) end
end
local out = {}
for _, who in ipairs(leaving) do
  emit('off_duty', 'staff', who)
end
-- Only an explicit off duty hands conversations back at once (even if the heartbeat had
-- already lapsed); a missed heartbeat may be a network blip, and the lease decides those.
if staff ~= '' then
  for _, s in ipairs(redis.call('ZRANGE', CLAIMED, 0, -1)) do
    if redis.call('HGET', ticket_key(s), 'staff') == staff then
      to_waiting(s)
      audit(staff, 'released_off_duty', s)
      -- With nobody left, the no_staff notice below is all the person needs to read.
      if present_count() > 0 then notify(s, 'back_in_queue') end
      emit('released', 'session', s, 'staff', staff, 'reason', 'off_duty')
      table.insert(out, s)
    end
  end
  if #out > 0 then emit('queue_changed') end
end
table.insert(out, '|')
for _, s in ipairs(flush_if_nobody_on_duty()) do table.insert(out, s) end
table.insert(out, '|')
for _, who in ipairs(leaving) do table.insert(out, who) end
return out
