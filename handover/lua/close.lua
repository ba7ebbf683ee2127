-- End a conversation and delete every key of it.
-- arg: 1 session, 2 staff ('' when the person ends it), 3 reason, 4 only if waiting (0/1)
--   reason: closed | returned_to_bot (staff; the person gets a notice, and staff messages
--   not yet sent still go out) or user_left | cancelled (the person; nothing more is sent).
-- Returns {'closed', former state, since, claimed_at or ''} | {'gone'} | {'not_owner'}
local s, staff, reason = arg(1), arg(2), arg(3)
local t = ticket_key(s)
local state = redis.call('HGET', t, 'state')
if not state then
  wipe(s, true)
  return {'gone'}
end
if arg(4) == '1' and state ~= 'waiting' then return {'not_waiting'} end
if staff ~= '' and (state ~= 'claimed' or redis.call('HGET', t, 'staff') ~= staff) then
  return {'not_owner'}
end
local since = redis.call('HGET', t, 'since')
local claimed_at = redis.call('HGET', t, 'claimed_at') or ''
local by_staff = staff ~= ''
if by_staff then
  audit(staff, reason, s)
  notify(s, reason)
end
emit('closed', 'session', s, 'staff', staff, 'reason', reason)
if state == 'waiting' then emit('queue_changed') end
wipe(s, not by_staff)
return {'closed', state, since, claimed_at}
