-- A bot worker takes messages it read from to_users before sending them, so two workers
-- never send the same message at once and a sent one is never sent again.
-- arg: 1 worker, 2 hold until (ms), then (entry id, session, message id) triples.
-- Returns one verdict per triple: 'send' | 'skip' (already sent; acked here) | 'busy'
-- Outbox states: q|entry (queued), w|until|worker|entry (being sent), sent.
local worker, hold = arg(1), arg(2)
local verdicts = {}
local i = 3
while arg(i) do
  local entry, s, id = arg(i), arg(i + 1), arg(i + 2)
  local verdict = 'send'
  -- No ticket: the conversation ended. What is still here was meant to reach the person
  -- (a closing message, the no_staff notice), so it goes out without bookkeeping.
  if redis.call('EXISTS', ticket_key(s)) == 1 then
    local state = redis.call('HGET', outbox_key(s), id)
    if state == 'sent' then
      redis.call('XACK', TO_USERS, GROUP, entry)
      redis.call('XDEL', TO_USERS, entry)
      verdict = 'skip'
    else
      local until_ms, holder = nil, nil
      if state then until_ms, holder = string.match(state, '^w|(%d+)|([^|]+)|') end
      if holder and holder ~= worker and tonumber(until_ms) > NOW then
        verdict = 'busy'
      else
        redis.call('HSET', outbox_key(s), id, 'w|' .. hold .. '|' .. worker .. '|' .. entry)
        redis.call('PEXPIRE', outbox_key(s), TTL)
      end
    end
  end
  table.insert(verdicts, verdict)
  i = i + 3
end
return verdicts
