-- A message from the staff member who holds the conversation: into the conversation's
-- stream (for the consoles) and into to_users (for the bot to deliver).
-- arg: 1 session, 2 staff, 3 message id, 4 kind, 5 text
-- Returns 'ok' | 'duplicate' (this message id was already accepted) | 'not_owner'
local s, staff, id = arg(1), arg(2), arg(3)
local t = ticket_key(s)
if redis.call('HGET', t, 'state') ~= 'claimed' or redis.call('HGET', t, 'staff') ~= staff then
  return 'not_owner'
end
-- A console that retries after a timeout must not make the person read it twice.
if redis.call('HEXISTS', outbox_key(s), id) == 1 then return 'duplicate' end
redis.call('XADD', conv_key(s), '*', 'id', id, 'from', 'staff', 'staff', staff,
  'kind', arg(4), 'text', arg(5), 'at', num(NOW))
local entry = redis.call('XADD', TO_USERS, '*', 'session', s, 'kind', arg(4),
  'lang', redis.call('HGET', t, 'lang') or '', 'id', id, 'text', arg(5))
redis.call('HSET', outbox_key(s), id, 'q|' .. entry)
redis.call('PEXPIRE', TO_USERS, TTL)
touch(s)
return 'ok'
