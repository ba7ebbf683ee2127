-- A bot worker has sent a message: mark it sent (while the conversation lives, so a
-- slow twin will not send it again) and remove it from to_users.
-- arg: 1 entry id, 2 session, 3 message id
local entry, s = arg(1), arg(2)
if redis.call('EXISTS', ticket_key(s)) == 1 then
  redis.call('HSET', outbox_key(s), arg(3), 'sent')
  redis.call('PEXPIRE', outbox_key(s), TTL)
end
redis.call('XACK', TO_USERS, GROUP, entry)
redis.call('XDEL', TO_USERS, entry)
return 1
