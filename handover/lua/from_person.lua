-- A message from the person into their conversation (waiting or with staff).
-- arg: 1 session, 2 message id, 3 text. Returns the stream id, or false with no ticket.
local s = arg(1)
if not redis.call('HGET', ticket_key(s), 'state') then return false end
local id = redis.call('XADD', conv_key(s), '*', 'id', arg(2), 'from', 'user',
  'kind', 'text', 'text', arg(3), 'at', num(NOW))
touch(s)
return id
