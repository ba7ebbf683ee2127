-- Extend the lease of a conversation the staff member holds. A lease that ran out but
-- was not reaped yet can still be renewed: nobody else has the ticket.
-- arg: 1 staff, 2 session, 3 lease (ms). Returns 1 if renewed, 0 if not theirs.
local staff, s = arg(1), arg(2)
if not redis.call('ZSCORE', CLAIMED, s) then return 0 end
if redis.call('HGET', ticket_key(s), 'staff') ~= staff then return 0 end
redis.call('ZADD', CLAIMED, 'XX', num(NOW + tonumber(arg(3))), s)
touch(s)
touch_shared()
return 1
