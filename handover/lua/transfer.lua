-- Hand a conversation from one staff member to another who is on duty.
-- arg: 1 session, 2 from staff, 3 to staff, 4 lease (ms)
-- Returns 'ok' | 'not_owner' | 'not_on_duty'
local s, from, to = arg(1), arg(2), arg(3)
if redis.call('HGET', ticket_key(s), 'state') ~= 'claimed'
    or redis.call('HGET', ticket_key(s), 'staff') ~= from then
  return 'not_owner'
end
if not is_present(to) then return 'not_on_duty' end
redis.call('ZADD', CLAIMED, num(NOW + tonumber(arg(4))), s)
redis.call('HSET', ticket_key(s), 'staff', to)
touch(s)
audit(from, 'transferred', s, to)
notify(s, 'staff_changed')
emit('transferred', 'session', s, 'from', from, 'to', to, 'reason', 'transfer')
return 'ok'
